"""The back office's views (my group, my done, in flight in my region, history) with their
filters and exports, and a customer's tickets by the number an agent types — on real
Kafka and MongoDB, with a second tenant whose tickets look the same and never show."""

import csv
import io
from datetime import UTC, datetime, timedelta
from functools import partial

import pytest

from services.gateway.bootstrap import create_app
from services.gateway.settings import GatewaySettings
from shared.events import Actor, TicketAssigned, TicketAssignedPayload
from shared.events import dispatch as d
from shared.events.submissions import Location, RecordedContact
from shared.events.vocabulary import TicketStatus
from shared.testing.apps import running
from shared.testing.builders import ticket_registered
from shared.testing.kafka import publish_in_order
from shared.testing.waiting import eventually

pytestmark = pytest.mark.integration

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PHONE = "+8613900000000"
DISPATCHER = Actor(id="wu.disp", role="dispatcher")
LI_WEI = Actor(id="li.wei", role="field_engineer")


def registration(ticket_id: str, tenant: str, minute: int, region: str, **contact):
    event = ticket_registered(ticket_id, tenant_id=tenant, at=T0 + timedelta(minutes=minute))
    payload = event.payload.model_copy(update={
        "subject": f"ticket {ticket_id}", "location": Location(region=region),
        "contact": RecordedContact(name="王女士", **contact) if contact else None,
        "account_id": "BB-0101" if contact.get("phone") == PHONE else None,
    })  # fmt: skip
    return event.model_copy(update={"payload": payload})


def dispatched(cls, ticket_id: str, tenant: str, minute: int, payload, actor=DISPATCHER):
    return cls(
        occurred_at=T0 + timedelta(minutes=minute, seconds=30), producer="dispatch",
        tenant_id=tenant, ticket_id=ticket_id, payload=payload, actor=actor,
    )  # fmt: skip


def tickets(tenant: str, prefix: str) -> tuple[list, list]:
    """``c-1`` the customer's, in flight with li.wei (noc, chaoyang); ``c-2`` theirs too,
    closed; ``c-3`` someone else's, accepted by li.wei then transferred to wang.fang
    (field, haidian); ``c-4`` canceled."""
    t = partial(str.format, prefix + "-{}")
    registrations = [
        registration(t(1), tenant, 1, "chaoyang", phone=PHONE),
        registration(t(2), tenant, 2, "chaoyang", phone=PHONE, email="Wang@Example.com"),
        registration(t(3), tenant, 3, "haidian", email="zhao@example.com"),
        registration(t(4), tenant, 4, "chaoyang", phone="+8613811112222"),
    ]
    assign = partial(TicketAssignedPayload, assignee="li.wei", reason="manual")
    changes = [
        dispatched(TicketAssigned, t(1), tenant, 1, assign(group="noc")),
        dispatched(TicketAssigned, t(3), tenant, 3, assign(group="noc")),
        dispatched(d.TicketStatusChanged, t(3), tenant, 4, d.TicketStatusChangedPayload(
            from_status=TicketStatus.ASSIGNED, to_status=TicketStatus.ACCEPTED,
            command="accept"), actor=LI_WEI),
        dispatched(d.TicketTransferred, t(3), tenant, 5, d.TicketTransferredPayload(
            from_assignee="li.wei", to_assignee="wang.fang", to_group="field",
            reason="wrong district", status=TicketStatus.ASSIGNED), actor=LI_WEI),
        dispatched(d.TicketClosed, t(2), tenant, 6,
                   d.TicketClosedPayload(reason=d.ClosureReason.CONFIRMED)),
        dispatched(d.TicketCanceled, t(4), tenant, 7, d.TicketCanceledPayload(reason="dup")),
    ]  # fmt: skip
    return registrations, changes


@pytest.fixture
async def gateway(service_settings, infra, issuer, mongo_client, namespace):
    settings = service_settings(GatewaySettings, oidc_issuer=issuer.url)
    acme, globex = f"{namespace}-acme", f"{namespace}-globex"
    a_reg, a_changes = tickets(acme, "a")
    g_reg, g_changes = tickets(globex, "g")
    async with running(create_app(settings)) as client:
        topics = settings.topics
        await publish_in_order(infra.kafka_bootstrap, topics.intake_events, *a_reg, *g_reg)
        await publish_in_order(infra.kafka_bootstrap, topics.dispatch_events, *a_changes,
                               *g_changes)  # fmt: skip
        for tenant, prefix in ((acme, "a"), (globex, "g")):
            await eventually(
                partial(client.get, f"/tickets/{prefix}-4", headers=lead(issuer, tenant)),
                lambda r: (
                    r.status_code == 200
                    and r.json().get("status") == "closed"
                    and r.json().get("subject") is not None
                ),
            )
            await eventually(
                partial(client.get, f"/tickets/{prefix}-3", headers=lead(issuer, tenant)),
                lambda r: r.status_code == 200 and r.json().get("assignee") == "wang.fang",
            )
            await eventually(
                partial(client.get, f"/tickets/{prefix}-2", headers=lead(issuer, tenant)),
                lambda r: r.status_code == 200 and r.json().get("status") == "closed",
            )
        yield client, acme, globex
    await mongo_client.drop_database(settings.mongo_db)


def lead(issuer, tenant: str, **claims) -> dict[str, str]:
    """li.wei of the noc group in chaoyang, as the token's groups and region claims say."""
    kw = {"groups": ["/noc"], "region": "chaoyang"} | claims
    return issuer.headers(tenant, ["field_engineer"], username="li.wei", **kw)


async def view(client, name: str, headers, **params) -> list[str]:
    response = await client.get(f"/views/{name}", headers=headers, params=params)
    assert response.status_code == 200, response.text
    return [t["ticket_id"] for t in response.json()["items"]]


async def test_my_group_is_the_open_tickets_of_the_groups_in_my_token(gateway, issuer):
    client, acme, globex = gateway

    assert await view(client, "my-group", lead(issuer, acme)) == ["a-1"]
    assert await view(client, "my-group", lead(issuer, globex)) == ["g-1"]
    assert await view(client, "my-group", lead(issuer, acme), group="field") == []
    assert await view(client, "my-group", lead(issuer, acme, groups=["field"])) == ["a-3"]
    assert await view(client, "my-group", lead(issuer, acme, groups=[])) == []


async def test_my_done_is_what_i_handled_that_someone_else_has_now(gateway, issuer):
    client, acme, globex = gateway
    dispatcher = issuer.headers(acme, ["dispatcher"], username="wu.disp")

    assert await view(client, "my-done", lead(issuer, acme)) == ["a-3"]
    assert await view(client, "my-done", lead(issuer, globex)) == ["g-3"]
    assert await view(client, "my-done", dispatcher) == ["a-3", "a-1"]
    assert await view(client, "my-done", dispatcher, status="assigned", region="chaoyang") == [
        "a-1"
    ]
    detail = (await client.get("/tickets/a-3", headers=dispatcher)).json()
    assert detail["handled_by"] == ["li.wei", "wu.disp"]
    assert "done_by" not in detail


async def test_in_flight_in_my_region_and_history(gateway, issuer):
    client, acme, globex = gateway

    assert await view(client, "region-in-flight", lead(issuer, acme)) == ["a-1"]
    assert await view(client, "region-in-flight", lead(issuer, acme, region="haidian")) == ["a-3"]
    assert await view(client, "region-in-flight", lead(issuer, acme, region=None)) == []
    assert await view(client, "history", lead(issuer, acme)) == ["a-4", "a-2"]
    assert await view(client, "history", lead(issuer, globex)) == ["g-4", "g-2"]
    assert await view(client, "history", lead(issuer, acme), limit=1, order="oldest") == ["a-2"]
    assert await view(client, "history", lead(issuer, acme), status="assigned") == []
    assert await view(client, "history", lead(issuer, acme), number=f"{acme}-a-2") == ["a-2"]


async def test_a_view_exports_every_ticket_of_its_filter_as_csv_or_xlsx(gateway, issuer):
    client, acme, _ = gateway
    headers = lead(issuer, acme)

    exported = await client.get(
        "/views/history", headers=headers, params={"format": "csv", "lang": "zh-CN", "limit": 1}
    )
    workbook = await client.get("/views/history", headers=headers, params={"format": "xlsx"})

    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("text/csv")
    assert 'filename="tickets-history.csv"' in exported.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(exported.text)))
    assert rows[0][:4] == ["工单编号", "主题", "类型", "状态"]
    # Every ticket of the filter, whatever the page size.
    assert [r[1] for r in rows[1:]] == ["ticket a-4", "ticket a-2"]
    assert {r[3] for r in rows[1:]} == {"closed"}
    assert workbook.status_code == 200
    assert workbook.content[:2] == b"PK"


async def test_a_customers_tickets_by_phone_account_or_email_in_my_tenant_only(gateway, issuer):
    client, acme, globex = gateway
    agent = issuer.headers(acme, ["agent"], username="zhang.min")

    by_phone = await client.get("/customers/+86 139-0000-0000/tickets", headers=agent)
    by_account = await client.get("/customers/BB-0101/tickets", headers=agent)
    by_email = await client.get("/customers/wang@example.COM/tickets", headers=agent)
    other_tenant = await client.get(
        f"/customers/{PHONE}/tickets", headers=issuer.headers(globex, ["agent"])
    )
    nobody = await client.get("/customers/+8613700000000/tickets", headers=agent)
    requester = await client.get(f"/customers/{PHONE}/tickets",
                                 headers=issuer.headers(acme, ["requester"]))  # fmt: skip

    assert by_phone.status_code == 200, by_phone.text
    found = by_phone.json()
    assert [t["ticket_id"] for t in found["in_flight"]] == ["a-1"]
    assert [t["ticket_id"] for t in found["history"]] == ["a-2"]
    assert found["truncated"] is False
    assert "customer_keys" not in found["in_flight"][0]
    assert by_account.json() == found
    assert [t["ticket_id"] for t in by_email.json()["history"]] == ["a-2"]
    assert by_email.json()["in_flight"] == []
    assert [t["ticket_id"] for t in other_tenant.json()["in_flight"]] == ["g-1"]
    assert [t["ticket_id"] for t in other_tenant.json()["history"]] == ["g-2"]
    assert nobody.json() == {"in_flight": [], "history": [], "truncated": False}
    assert requester.status_code == 403
    limited = await client.get("/customers/BB-0101/tickets", headers=agent, params={"limit": 1})
    assert limited.json()["truncated"] is True
    assert [t["ticket_id"] for t in limited.json()["history"]] == ["a-2"]
