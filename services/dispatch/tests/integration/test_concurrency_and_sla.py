"""One assignee, one winner of a race, SLA breaches and replies to closed tickets."""

import asyncio
import json
from datetime import UTC, datetime

from services.dispatch.tests.integration.helpers import (
    assigned_ticket,
    command,
    configure,
    who,
    work_order,
)
from shared.events.sla import SlaBreached, SlaBreachedPayload, SlaMetric
from shared.testing.kafka import publish_in_order
from shared.testing.recorder import TopicRecorder
from shared.testing.waiting import eventually

LI = ("li.wei", "agent")
FIX = {"cause": "fibre cut", "solution": "re-spliced", "closure_code": "fixed"}


async def todo(client, actor_id: str) -> list[str]:
    response = await client.get("/tenants/acme/todo", headers=who(actor_id, "agent"))
    return [o["ticket_id"] for o in response.json()]


async def test_a_transfer_keeps_exactly_one_assignee(dispatch, settings, infra):
    await assigned_ticket(dispatch, infra.kafka_bootstrap, settings.topics.intake_events, "x-1")
    await command(dispatch, "x-1", "accept", LI)
    moved = await command(
        dispatch, "x-1", "transfer", LI, {"to_assignee": "wang.fang", "reason": "her district"}
    )
    no_reason = await command(
        dispatch, "x-1", "transfer", ("wang.fang", "agent"), {"to_assignee": "li.wei"}
    )
    assert moved.json()["assignee"] == "wang.fang"
    assert moved.json()["status"] == "assigned"
    assert no_reason.status_code == 422
    assert (await todo(dispatch, "li.wei"), await todo(dispatch, "wang.fang")) == ([], ["x-1"])
    back = await command(
        dispatch, "x-1", "transfer", ("wang.fang", "agent"), {"reason": "not ours"}
    )
    queue = (await dispatch.get("/tenants/acme/queue")).json()
    assert (back.json()["status"], back.json()["assignee"]) == ("new", None)
    assert [o["ticket_id"] for o in queue] == ["x-1"]
    assert await todo(dispatch, "wang.fang") == []


async def test_concurrent_accept_and_transfer_one_wins_the_other_gets_409(
    dispatch, settings, infra
):
    view = await assigned_ticket(
        dispatch, infra.kafka_bootstrap, settings.topics.intake_events, "c-1"
    )
    version = view["version"]
    accept, transfer = await asyncio.gather(
        command(dispatch, "c-1", "accept", LI, {}, version),
        command(
            dispatch, "c-1", "transfer", LI, {"to_assignee": "wang.fang", "reason": "swap"}, version
        ),
    )
    assert sorted([accept.status_code, transfer.status_code]) == [200, 409]
    loser = accept if accept.status_code == 409 else transfer
    winner = transfer if loser is accept else accept
    assert "allowed" in loser.json()["detail"]
    after = await work_order(dispatch, "c-1")
    assert after["version"] == version + 1
    assert after["status"] == winner.json()["status"]
    stale = await command(dispatch, "c-1", "urge", LI, {}, version)
    assert stale.status_code == 409
    assert (await work_order(dispatch, "c-1"))["urge_count"] == 0


async def test_a_breached_ticket_needs_an_overdue_reason_to_be_resolved(dispatch, settings, infra):
    topics = settings.topics
    await assigned_ticket(dispatch, infra.kafka_bootstrap, topics.intake_events, "s-1")
    await command(dispatch, "s-1", "accept", LI)
    now = datetime.now(UTC)
    breach = SlaBreached(
        occurred_at=now, producer="sla", tenant_id="acme", ticket_id="s-1",
        payload=SlaBreachedPayload(
            metric=SlaMetric.RESOLUTION, policy_id="p", target_seconds=3600, due_at=now
        ),
    )  # fmt: skip
    await publish_in_order(infra.kafka_bootstrap, topics.sla_events, breach, breach)
    await eventually(lambda: work_order(dispatch, "s-1"), lambda v: v.get("overdue") is True)
    refused = await command(dispatch, "s-1", "resolve", LI, FIX)
    resolved = await command(
        dispatch, "s-1", "resolve", LI, FIX | {"overdue_reason": "crew stuck in snow"}
    )
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["field"] == "overdue_reason"
    assert resolved.json()["resolution"]["overdue_reason"] == "crew stuck in snow"


async def test_a_reply_to_a_closed_ticket_registers_a_linked_new_ticket(dispatch, settings, infra):
    topics = settings.topics
    await assigned_ticket(dispatch, infra.kafka_bootstrap, topics.intake_events, "f-1")
    for name, body in (("accept", {}), ("resolve", FIX)):
        await command(dispatch, "f-1", name, LI, body)
    await command(dispatch, "f-1", "confirm", ("c-42", "requester"))
    async with TopicRecorder(infra.kafka_bootstrap, topics.upstream_submissions) as upstream:
        reply = await command(
            dispatch, "f-1", "customer-reply", ("c-42", "requester"), {"message": "broken again"}
        )
        [record] = await upstream.wait_for(lambda rs: len(rs) >= 1)
    submission = json.loads(record.value)
    assert reply.status_code == 202
    assert reply.json() == {
        "status": "closed",
        "follow_up_of": "f-1",
        "version": reply.json()["version"],
    }
    assert (submission["related_to"], submission["description"]) == ("f-1", "broken again")
    assert submission["tenant_id"] == "acme"
    assert (await work_order(dispatch, "f-1"))["status"] == "closed"


async def test_urges_auto_escalate_at_the_tenants_threshold(dispatch, settings, infra):
    await configure(dispatch, "acme", "policy", {"urge_escalation_threshold": 2})
    await assigned_ticket(dispatch, infra.kafka_bootstrap, settings.topics.intake_events, "u-1")
    await command(dispatch, "u-1", "accept", LI)
    first = await command(dispatch, "u-1", "urge", ("desk", "agent"), {"note": "customer called"})
    second = await command(dispatch, "u-1", "urge", ("desk", "agent"), {"note": "called again"})
    assert (first.json()["status"], first.json()["urge_count"]) == ("accepted", 1)
    assert (second.json()["status"], second.json()["support_line"]) == ("escalated", "L2")
    assert second.json()["last_urged_at"] is not None


async def test_a_major_upgrade_raises_the_alert_until_someone_accepts(dispatch, settings, infra):
    topics = settings.topics
    async with TopicRecorder(infra.kafka_bootstrap, topics.dispatch_events) as out:
        await assigned_ticket(dispatch, infra.kafka_bootstrap, topics.intake_events, "m-1")
        up = await command(
            dispatch, "m-1", "upgrade-severity", ("duty", "dispatcher"), {"severity": "major"}
        )
        down = await command(
            dispatch, "m-1", "upgrade-severity", ("duty", "dispatcher"), {"severity": "urgent"}
        )
        accepted = await command(dispatch, "m-1", "accept", LI)
        await out.wait_for(lambda rs: any(b"major_alert_cleared" in (r.value or b"") for r in rs))
    assert (up.json()["major_alert"], up.json()["priority"]) == (True, "P1")
    assert down.status_code == 409
    assert accepted.json()["major_alert"] is False
    kinds = [e.event_type for e in out.events()]
    assert kinds.index("ticket.major_alert_raised") < kinds.index("ticket.major_alert_cleared")
    assert "ticket.priority_changed" in kinds
