"""QC against real Kafka and MongoDB: a closed ticket is inspected or returned upstream at
once; an inspection submitted through HTTP returns the ticket with its result, exactly once,
also when every event is delivered twice."""

import json
from datetime import timedelta

import pytest

from services.qc.bootstrap import create_app
from services.qc.settings import QcSettings
from shared.events import dispatch as d
from shared.events.qc import TicketReturned
from shared.events.vocabulary import TicketType
from shared.testing.apps import running
from shared.testing.builders import ticket_registered
from shared.testing.kafka import publish_in_order
from shared.testing.recorder import TopicRecorder
from shared.testing.tenants import make_known
from shared.testing.waiting import eventually

pytestmark = pytest.mark.integration

ADMIN = {"X-Actor-Id": "root", "X-Actor-Role": "admin"}
INSPECTOR = {"X-Actor-Id": "qian", "X-Actor-Role": "inspector"}
ITEMS = [
    {"key": "reply_complete", "label": "Reply complete", "weight": 50},
    {"key": "solution_effective", "label": "Fixed it", "weight": 50, "critical": True},
]


def lifecycle(ticket_id: str, tenant: str, overdue_reason: str | None = None):
    reg = ticket_registered(ticket_id, tenant_id=tenant)
    at = reg.occurred_at

    def later(cls, minutes, payload):
        return cls(occurred_at=at + timedelta(minutes=minutes), producer="dispatch",
                   tenant_id=tenant, ticket_id=ticket_id, payload=payload)  # fmt: skip

    return reg, [
        later(d.TicketResolved, 30, d.TicketResolvedPayload(
            cause="fibre cut", solution="spliced", closure_code="FIX",
            overdue_reason=overdue_reason)),
        later(d.TicketClosed, 60, d.TicketClosedPayload(reason="confirmed")),
    ]  # fmt: skip


def returns(recorder: TopicRecorder) -> list[TicketReturned]:
    return [TicketReturned.model_validate(json.loads(r.value or b"")) for r in recorder.records]


async def test_inspected_and_uninspected_tickets_go_back_upstream_once(
    service_settings, infra, mongo_client, namespace
):
    settings = service_settings(QcSettings)
    tenant, topics = f"{namespace}-qc", settings.topics
    sampled_none = {"sample_share": 0.0, "pass_mark": 60.0, "items": ITEMS}
    plain_reg, plain = lifecycle("plain", tenant)
    late_reg, late = lifecycle("late", tenant, overdue_reason="the storm cut the road")
    async with (
        running(create_app(settings)) as qc,
        TopicRecorder(infra.kafka_bootstrap, topics.upstream_returns) as upstream,
    ):
        await make_known(qc, infra.kafka_bootstrap, topics, tenant)
        put = await qc.put(f"/tenants/{tenant}/qc-policy", json=sampled_none, headers=ADMIN)
        # Every event twice, dispatch's before intake's registration.
        await publish_in_order(infra.kafka_bootstrap, topics.dispatch_events, *plain, *late,
                               *plain, *late)  # fmt: skip
        await publish_in_order(infra.kafka_bootstrap, topics.intake_events, plain_reg, late_reg,
                               plain_reg, late_reg)  # fmt: skip
        queue = await eventually(
            lambda: qc.get(f"/tenants/{tenant}/inspections"),
            lambda r: [i["ticket_id"] for i in r.json()] == ["late"],
        )
        await eventually(lambda: _now(returns(upstream)), lambda rs: len(rs) == 1)
        incomplete = await qc.post(
            "/inspections/late/submit", json={"items": {"reply_complete": True}}, headers=INSPECTOR
        )
        claimed = await qc.post("/inspections/late/claim", headers=INSPECTOR)
        submitted = await qc.post("/inspections/late/submit", headers=INSPECTOR, json={
            "items": {"reply_complete": False, "solution_effective": True},
            "overdue_verdict": "accepted", "comment": "reason checked with the road authority",
        })  # fmt: skip
        again = await qc.post("/inspections/late/submit", headers=INSPECTOR, json={
            "items": {"reply_complete": True, "solution_effective": True},
            "overdue_verdict": "accepted"})  # fmt: skip
        both = await eventually(lambda: _now(returns(upstream)), lambda rs: len(rs) >= 2)
        await publish_in_order(infra.kafka_bootstrap, topics.dispatch_events, *late)
        settled = await eventually(
            lambda: qc.get("/inspections/late"), lambda r: r.json()["returned"]
        )
    await mongo_client.drop_database(settings.mongo_db)

    assert put.status_code == 200, put.text
    assert queue.json()[0]["reason"] == "overdue"
    assert queue.json()[0]["overdue_reason"] == "the storm cut the road"
    assert incomplete.status_code == 422
    assert {e["field"] for e in incomplete.json()["detail"]} == {
        "items.solution_effective", "overdue_verdict",
    }  # fmt: skip
    assert claimed.json()["state"] == "claimed"
    assert submitted.status_code == 200, submitted.text
    assert submitted.json()["outcome"]["score"] == 50.0
    assert submitted.json()["outcome"]["passed"] is False
    assert again.status_code == 409
    by_ticket = {r.ticket_id: r for r in both}
    assert sorted(by_ticket) == ["late", "plain"]
    assert len(both) == 2  # each ticket returned once, although every event came twice
    assert by_ticket["plain"].inspection is None
    assert by_ticket["plain"].external_ref == "plain"
    assert by_ticket["late"].inspection.overdue_verdict == "accepted"
    assert by_ticket["late"].overdue_reason == "the storm cut the road"
    assert settled.json()["state"] == "submitted"


async def _now(value):
    return value


async def test_a_closed_complaint_is_called_back_until_the_customer_is_reached(
    service_settings, infra, mongo_client, namespace
):
    settings = service_settings(QcSettings)
    tenant, topics = f"{namespace}-rv", settings.topics
    reg = ticket_registered("c-1", ticket_type=TicketType.COMPLAINT, tenant_id=tenant)
    closed = d.TicketClosed(
        occurred_at=reg.occurred_at + timedelta(hours=1), producer="dispatch", tenant_id=tenant,
        ticket_id="c-1", payload=d.TicketClosedPayload(reason="confirmed"),
    )  # fmt: skip
    agent = {"X-Actor-Id": "zhang.min", "X-Actor-Role": "agent"}
    async with running(create_app(settings)) as qc:
        await publish_in_order(infra.kafka_bootstrap, topics.intake_events, reg)
        await publish_in_order(infra.kafka_bootstrap, topics.dispatch_events, closed)
        due = await eventually(
            lambda: qc.get(f"/tenants/{tenant}/return-visits"), lambda r: len(r.json()) == 1
        )
        missed = await qc.post("/return-visits/c-1/calls", json={"outcome": "busy"}, headers=agent)
        later = (reg.occurred_at + timedelta(days=30)).isoformat()
        rescheduled = await qc.post(
            "/return-visits/c-1/calls", json={"outcome": "busy", "next_attempt_at": later},
            headers=agent,
        )  # fmt: skip
        waiting = await qc.get(f"/tenants/{tenant}/return-visits")
        reached = await qc.post(
            "/return-visits/c-1/calls",
            json={"outcome": "reached", "satisfaction": 4, "answers": {"resolved": "yes"}},
            headers=agent,
        )  # fmt: skip
    await mongo_client.drop_database(settings.mongo_db)

    assert due.json()[0]["state"] == "due"
    assert missed.status_code == 422
    assert missed.json()["detail"][0]["field"] == "next_attempt_at"
    assert rescheduled.json()["attempts"] == 1
    assert waiting.json() == []  # not due again until its next attempt
    assert (reached.json()["state"], reached.json()["satisfaction"]) == ("completed", 4)
