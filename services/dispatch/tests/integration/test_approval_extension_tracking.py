"""审核/审批, 延期申请 and 跟踪工单 through dispatch's HTTP API, on real Kafka and MongoDB."""

import json
from datetime import UTC, date, datetime, timedelta

from services.dispatch.tests.integration.helpers import (
    ADMIN,
    assigned_ticket,
    command,
    configure,
    who,
    work_order,
)
from shared.testing.recorder import TopicRecorder

LI = ("li.wei", "field_engineer")
LEAD = ("zhou.lead", "group_lead")
CHIEF = ("chen.chief", "supervisor")
FIX = {"cause": "complaint about a rude technician", "solution": "apologised, retrained",
       "closure_code": "handled"}  # fmt: skip
CHAIN = {
    "order": 1,
    "tags": ["sensitive"],
    "chain": [{"role": "group_lead"}, {"role": "supervisor", "user": "chen.chief"}],
}


async def queue(dispatch, actor: tuple[str, str]) -> list[str]:
    answer = await dispatch.get("/tenants/acme/approvals", headers=who(*actor))
    assert answer.status_code == 200, answer.text
    return [o["ticket_id"] for o in answer.json()]


async def test_a_sensitive_ticket_is_resolved_only_after_its_approval_chain(
    dispatch, settings, infra
):
    topics = settings.topics
    await configure(dispatch, "acme", "approval-rules/sensitive", CHAIN)
    bad_rule = await dispatch.put(
        "/admin/tenants/acme/approval-rules/bad",
        json={"order": 2, "chain": [{"role": "requester"}]},
        headers=ADMIN,
    )
    async with TopicRecorder(infra.kafka_bootstrap, topics.dispatch_events) as out:
        await assigned_ticket(
            dispatch, infra.kafka_bootstrap, topics.intake_events, "a-1", tags=["sensitive"]
        )
        for name in ("accept", "start"):
            assert (await command(dispatch, "a-1", name, LI)).status_code == 200
        proposed = await command(dispatch, "a-1", "resolve", LI, FIX)
        lead_queue, chief_queue = await queue(dispatch, LEAD), await queue(dispatch, CHIEF)
        not_mine = await command(dispatch, "a-1", "approve", CHIEF)
        again = await command(dispatch, "a-1", "resolve", LI, FIX)
        no_reason = await command(dispatch, "a-1", "reject", LEAD, {})
        rejected = await command(dispatch, "a-1", "reject", LEAD, {"reason": "name the visit"})
        await command(dispatch, "a-1", "resolve", LI, FIX)
        first = await command(dispatch, "a-1", "approve", LEAD, {"comment": "ok"})
        chief_queue_then = await queue(dispatch, CHIEF)
        last = await command(dispatch, "a-1", "approve", CHIEF)
        await out.wait_for(lambda rs: any(b"ticket.resolved" in (r.value or b"") for r in rs))
    assert bad_rule.status_code == 422
    assert proposed.status_code == 200
    assert (proposed.json()["status"], proposed.json()["resolution"]) == ("pending_approval", None)
    assert proposed.json()["approval"]["current"] == {"role": "group_lead", "user": None}
    assert (lead_queue, chief_queue) == (["a-1"], [])
    assert not_mine.status_code == 403
    assert not_mine.json()["detail"]["allowed_roles"] == ["group_lead"]
    assert again.status_code == 409
    assert {"approve", "reject"} <= set(again.json()["detail"]["allowed"])
    assert no_reason.status_code == 422
    assert no_reason.json()["detail"][0]["field"] == "reason"
    assert (rejected.json()["status"], rejected.json()["approval"]) == ("in_progress", None)
    assert first.json()["status"] == "pending_approval"
    assert first.json()["approval"]["current"] == {"role": "supervisor", "user": "chen.chief"}
    assert chief_queue_then == ["a-1"]
    assert last.json()["status"] == "resolved"
    assert last.json()["resolution"]["cause"] == FIX["cause"]
    kinds = [e.event_type for e in out.events() if e.ticket_id == "a-1"]
    assert [k for k in kinds if k.startswith("ticket.approv") or k == "ticket.resolved"] == [
        "ticket.approval_requested", "ticket.approval_rejected", "ticket.approval_requested",
        "ticket.approved", "ticket.approved", "ticket.resolved",
    ]  # fmt: skip
    changes = [
        (e.payload.from_status, e.payload.to_status, e.payload.command, e.payload.reason)
        for e in out.events()
        if e.event_type == "ticket.status_changed" and e.ticket_id == "a-1"
    ][-4:]
    assert [c[:3] for c in changes] == [
        ("in_progress", "pending_approval", "resolve"),
        ("pending_approval", "in_progress", "reject"),
        ("in_progress", "pending_approval", "resolve"),
        ("pending_approval", "resolved", "approve"),
    ]
    assert changes[1][3] is None  # the approver's reason is not announced
    history = (await dispatch.get("/work-orders/a-1/history")).json()
    assert [h["command"] for h in history][-3:] == ["resolve", "approve", "approve"]
    assert await queue(dispatch, CHIEF) == []


async def test_an_extension_is_asked_for_decided_and_listed(dispatch, settings, infra):
    topics = settings.topics
    await assigned_ticket(dispatch, infra.kafka_bootstrap, topics.intake_events, "x-1")
    await command(dispatch, "x-1", "accept", LI)
    until = (datetime.now(UTC) + timedelta(days=2)).replace(microsecond=0)
    past = await command(
        dispatch, "x-1", "request-extension", LI,
        {"until": (datetime.now(UTC) - timedelta(hours=1)).isoformat(), "reason": "late"},
    )  # fmt: skip
    body = {"until": until.isoformat(), "reason": "the spare OLT card arrives Thursday"}
    async with TopicRecorder(infra.kafka_bootstrap, topics.dispatch_events) as out:
        asked = await command(dispatch, "x-1", "request-extension", LI, body)
        twice = await command(dispatch, "x-1", "request-extension", LI, body)
        listed_pending = (await dispatch.get("/tenants/acme/extensions?state=pending")).json()
        engineer = await command(dispatch, "x-1", "approve-extension", LI)
        approved = await command(dispatch, "x-1", "approve-extension", LEAD, {"comment": "ok"})
        await out.wait_for(
            lambda rs: any(b"ticket.extension_approved" in (r.value or b"") for r in rs)
        )
    listed = (await dispatch.get("/tenants/acme/extensions")).json()
    assert past.status_code == 422
    assert past.json()["detail"][0]["field"] == "until"
    assert asked.status_code == 200
    assert asked.json()["extensions"][0]["state"] == "pending"
    assert twice.status_code == 409
    assert "approve_extension" in twice.json()["detail"]["allowed"]
    assert "request_extension" not in twice.json()["detail"]["allowed"]
    assert listed_pending["counts"] == {"pending": 1}
    assert engineer.status_code == 403
    assert engineer.json()["detail"]["allowed_roles"] == ["group_lead", "supervisor"]
    assert approved.json()["extensions"][0]["decided_by"] == "zhou.lead"
    assert listed["counts"] == {"pending": 0, "approved": 1}
    [item] = listed["extensions"]
    assert (item["ticket_id"], item["state"], item["requested_by"]) == ("x-1", "approved", "li.wei")
    assert datetime.fromisoformat(item["until"]) == until
    [event] = [e for e in out.events() if e.event_type == "ticket.extension_approved"]
    assert (event.actor.id, event.payload.until) == ("zhou.lead", until)


async def test_a_tracked_ticket_shows_on_its_date_and_turns_into_a_linked_ticket(
    dispatch, settings, infra
):
    topics = settings.topics
    await assigned_ticket(dispatch, infra.kafka_bootstrap, topics.intake_events, "t-1")
    await command(dispatch, "t-1", "accept", LI)
    soon = date.today() + timedelta(days=3)
    bad = await command(
        dispatch, "t-1", "resolve", LI, FIX | {"follow_up": {"on": "2020-01-01", "note": "x"}}
    )
    resolved = await command(
        dispatch,
        "t-1",
        "resolve",
        LI,
        FIX | {"follow_up": {"on": soon.isoformat(), "note": "call"}},
    )
    today = await dispatch.get("/tenants/acme/tracked", headers=who(*LI))
    then = await dispatch.get(f"/tenants/acme/tracked?due_by={soon}", headers=who(*LI))
    others = await dispatch.get(f"/tenants/acme/tracked?due_by={soon}", headers=who(*LEAD))
    someone_else = await command(dispatch, "t-1", "close-tracking", ("wang.fang", "agent"))
    closed = await command(dispatch, "t-1", "close-tracking", LI, {"note": "all fine"})
    not_tracked = await command(dispatch, "t-1", "track-to-new-ticket", LI)
    tracked = await command(dispatch, "t-1", "track", LI, {"on": date.today().isoformat()})
    async with TopicRecorder(infra.kafka_bootstrap, topics.upstream_submissions) as upstream:
        converted = await command(
            dispatch, "t-1", "track-to-new-ticket", LI, {"description": "line drops again"}
        )
        [record] = await upstream.wait_for(lambda rs: len(rs) >= 1)
    submission = json.loads(record.value)
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["field"] == "follow_up.on"
    assert resolved.json()["tracking"]["on"] == soon.isoformat()
    assert today.json() == []
    assert [o["ticket_id"] for o in then.json()] == ["t-1"]
    assert others.json() == []
    assert someone_else.status_code == 403
    assert closed.json()["tracking"]["state"] == "closed"
    assert not_tracked.status_code == 409
    assert "track" in not_tracked.json()["detail"]["allowed"]
    assert tracked.json()["tracking"]["state"] == "active"
    assert converted.status_code == 202
    ref = converted.json()["external_ref"]
    assert converted.json()["follow_up_of"] == "t-1"
    assert (submission["related_to"], submission["external_ref"]) == ("t-1", ref)
    assert submission["description"] == "line drops again"
    view = await work_order(dispatch, "t-1")
    assert (view["tracking"]["state"], view["tracking"]["external_ref"]) == ("converted", ref)
