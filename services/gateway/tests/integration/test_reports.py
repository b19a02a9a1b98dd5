"""Reports over the read model in MongoDB: by day in a time zone and by a field, as JSON,
CSV and XLSX, of the caller's tenant only."""

import csv
import io
import zipfile
from datetime import UTC, datetime, timedelta

import pytest

from services.gateway.bootstrap import create_app
from services.gateway.settings import GatewaySettings
from shared.events import TicketAssigned, TicketAssignedPayload
from shared.events import dispatch as d
from shared.events import qc as q
from shared.events import sla as s
from shared.testing.apps import running
from shared.testing.builders import ticket_registered
from shared.testing.kafka import publish_in_order
from shared.testing.waiting import eventually

pytestmark = pytest.mark.integration

# 2 March in Beijing: 16:00 UTC on 1 March is already 00:00 there.
T0 = datetime(2026, 3, 1, 16, 30, tzinfo=UTC)


def later(cls, tid, tenant, minutes, payload, producer="dispatch"):
    return cls(
        occurred_at=T0 + timedelta(minutes=minutes), producer=producer, tenant_id=tenant,
        ticket_id=tid, payload=payload,
    )  # fmt: skip


def appeals(tenant: str) -> list:
    """r-1's judgement overturned on appeal, r-2's upheld."""
    events = []
    for tid, decision in (("r-1", q.AppealDecision.NO_RESPONSIBILITY),
                          ("r-2", q.AppealDecision.UPHELD)):  # fmt: skip
        jid = f"{tid}:j1"
        events += [
            later(q.ResponsibilityJudged, tid, tenant, 400, q.ResponsibilityJudgedPayload(
                judgement_id=jid, judge="zhao", unit="noc", category="延误", text="未按时处理",
            ), producer="qc"),
            later(q.AppealFiled, tid, tenant, 410, q.AppealFiledPayload(
                judgement_id=jid, appellant="li.wei", unit="noc", reason_category="other",
                text="非我组责任"), producer="qc"),
            later(q.AppealDecided, tid, tenant, 420, q.AppealDecidedPayload(
                judgement_id=jid, reviewer="sun", decision=decision, reason="核实"),
                producer="qc"),
        ]  # fmt: skip
    return events


def history(tenant: str) -> tuple[list, list, list]:
    """Three tickets on Beijing's 2 March, one on 3 March; one of another tenant."""
    intake, dispatch, sla = [], [], []
    for i, hours in enumerate([0, 1, 2, 30]):
        tid = f"r-{i}"
        intake.append(ticket_registered(tid, tenant_id=tenant, at=T0 + timedelta(hours=hours)))
        dispatch.append(
            later(
                TicketAssigned,
                tid,
                tenant,
                hours * 60 + 1,
                TicketAssignedPayload(assignee="li.wei", group="noc", reason="rule"),
            )
        )
    dispatch += [
        later(d.TicketAccepted, "r-0", tenant, 10, d.TicketAcceptedPayload(assignee="li.wei")),
        later(d.TicketAccepted, "r-1", tenant, 90, d.TicketAcceptedPayload(assignee="li.wei")),
        later(
            d.TicketResolved,
            "r-0",
            tenant,
            60,
            d.TicketResolvedPayload(cause="fibre", solution="spliced", closure_code="FIX"),
        ),
        later(
            d.TicketUrged,
            "r-1",
            tenant,
            100,
            d.TicketUrgedPayload(urge_count=2, assignee="li.wei", status="accepted"),
        ),
    ]
    sla.append(
        later(
            s.SlaBreached,
            "r-2",
            tenant,
            300,
            s.SlaBreachedPayload(metric="response", policy_id="p", target_seconds=3600, due_at=T0),
            producer="sla",
        )
    )
    intake.append(ticket_registered("x-9", tenant_id=f"{tenant}-other", at=T0))
    return intake, dispatch, sla  # fmt: skip


@pytest.fixture
async def gateway(service_settings, infra, issuer, mongo_client, namespace):
    settings = service_settings(GatewaySettings, oidc_issuer=issuer.url)
    tenant = f"{namespace}-r"
    intake, dispatch, sla = history(tenant)
    async with running(create_app(settings)) as client:
        client.headers.update(issuer.headers(tenant, ["supervisor"]))
        topics = settings.topics
        await publish_in_order(infra.kafka_bootstrap, topics.intake_events, *intake)
        await publish_in_order(infra.kafka_bootstrap, topics.dispatch_events, *dispatch)
        await publish_in_order(infra.kafka_bootstrap, topics.sla_events, *sla)
        await publish_in_order(infra.kafka_bootstrap, topics.qc_events, *appeals(tenant))

        async def settled():
            views = [(await client.get(f"/tickets/r-{i}")).json() for i in range(4)]
            return views

        await eventually(settled, lambda vs: vs[0].get("status") == "resolved"
                         and vs[1].get("urge_count") == 2 and vs[2].get("overdue")
                         and vs[2].get("appeal_outcome") == "upheld"
                         and vs[1].get("appeal_outcome") == "no_responsibility"
                         and all(v.get("number") for v in vs))  # fmt: skip
        yield client
    await mongo_client.drop_database(settings.mongo_db)


PERIOD = {"from": "2026-03-01T00:00:00Z", "to": "2026-03-05T00:00:00Z"}


async def test_by_day_in_the_tenants_time_zone(gateway):
    report = await gateway.get(
        "/reports/tickets", params=PERIOD | {"by": "day", "tz": "Asia/Shanghai"}
    )
    body = report.json()
    rows = {r["key"]: r for r in body["rows"]}

    assert list(rows) == ["2026-03-02", "2026-03-03"]
    first = rows["2026-03-02"]
    assert (first["opened"], first["resolved"], first["backlog"]) == (3, 1, 2)
    assert first["breached_response"] == 1
    assert first["compliance_response_pct"] == pytest.approx(66.7)
    assert first["accept_mean_s"] == pytest.approx((10 * 60 + 30 * 60) / 2)
    assert first["resolve_mean_s"] == 3600.0
    assert first["urges"] == 2
    assert body["total"]["opened"] == 4  # the other tenant's ticket is not counted


async def test_by_a_field_and_as_csv_and_xlsx(gateway, issuer):
    by_status = (await gateway.get("/reports/tickets", params=PERIOD | {"by": "status"})).json()
    as_csv = await gateway.get(
        "/reports/tickets", params=PERIOD | {"by": "assignee", "format": "csv", "lang": "zh-CN"}
    )
    as_xlsx = await gateway.get(
        "/reports/tickets", params=PERIOD | {"by": "week", "format": "xlsx", "lang": "ru"}
    )
    refused = await gateway.get(
        "/reports/tickets", params=PERIOD | {"by": "day"},
        headers=issuer.headers("acme", ["field_engineer"]),
    )  # fmt: skip
    backwards = await gateway.get(
        "/reports/tickets", params={"by": "day", "from": PERIOD["to"], "to": PERIOD["from"]}
    )

    assert {r["key"]: r["opened"] for r in by_status["rows"]} == {
        "accepted": 1, "assigned": 2, "resolved": 1,
    }  # fmt: skip
    total = by_status["total"]
    assert (total["appealed"], total["appeal_upheld"], total["appeal_overturned"]) == (2, 1, 1)
    lines = list(csv.reader(io.StringIO(as_csv.text)))
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert lines[0][:3] == ["分组", "新建", "已解决"]
    assert [line[:2] for line in lines[1:]] == [["li.wei", "4"], ["total", "4"]]
    with zipfile.ZipFile(io.BytesIO(as_xlsx.content)) as book:
        names = set(book.namelist())
        strings = book.read("xl/sharedStrings.xml").decode()
    assert {"xl/worksheets/sheet1.xml", "xl/charts/chart1.xml"} <= names
    assert "Открыто" in strings
    assert refused.status_code == 403
    assert backwards.status_code == 422
    assert backwards.json()["detail"][0]["field"] == "to"
