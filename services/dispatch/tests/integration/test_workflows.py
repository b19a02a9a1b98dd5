"""The workflows of the seeds, through the HTTP commands, Kafka and MongoDB."""

from datetime import UTC, datetime, timedelta

from services.dispatch.tests.integration.helpers import assigned_ticket, command, work_order
from shared.events.sla import AutoCloseBecameDue, AutoCloseBecameDuePayload
from shared.testing.kafka import publish_in_order
from shared.testing.recorder import TopicRecorder
from shared.testing.waiting import eventually

ENGINEER = ("li.wei", "field_engineer")
CUSTOMER = ("c-42", "requester")
FIX = {"cause": "fibre cut at the splitter", "solution": "re-spliced", "closure_code": "fixed"}


def window() -> dict[str, str]:
    start = datetime.now(UTC) + timedelta(hours=2)
    return {"starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=2)).isoformat()}


async def test_the_eoms_flow_from_assignment_to_auto_close(dispatch, settings, infra):
    topics = settings.topics
    async with TopicRecorder(infra.kafka_bootstrap, topics.dispatch_events) as out:
        await assigned_ticket(
            dispatch, infra.kafka_bootstrap, topics.intake_events, "e-1", needs_onsite=True
        )
        no_window = await command(dispatch, "e-1", "accept", ENGINEER)
        accepted = await command(dispatch, "e-1", "accept", ENGINEER, {"appointment": window()})
        started = await command(dispatch, "e-1", "start", ENGINEER)
        resolved = await command(dispatch, "e-1", "resolve", ENGINEER, FIX)
        due = AutoCloseBecameDue(
            occurred_at=datetime.now(UTC), producer="sla", tenant_id="acme", ticket_id="e-1",
            payload=AutoCloseBecameDuePayload(
                resolved_at=datetime.now(UTC), due_at=datetime.now(UTC)
            ),
        )  # fmt: skip
        await publish_in_order(infra.kafka_bootstrap, topics.sla_events, due, due)
        closed = await eventually(
            lambda: work_order(dispatch, "e-1"), lambda v: v.get("status") == "closed"
        )
        events = await out.wait_for(
            lambda rs: any(b"ticket.closed" in (r.value or b"") for r in rs)
        )
    assert no_window.status_code == 422
    assert no_window.json()["detail"] == [
        {"field": "appointment", "reason": "required: the ticket needs an on-site visit"}
    ]
    assert accepted.json()["appointment"] is not None
    assert (started.json()["status"], resolved.json()["status"]) == ("in_progress", "resolved")
    assert closed["version"] == resolved.json()["version"] + 1  # the duplicate due had no effect
    changes = [
        (e.payload.from_status, e.payload.to_status)
        for e in out.events()
        if e.event_type == "ticket.status_changed"
    ]
    assert changes == [
        ("new", "assigned"), ("assigned", "accepted"), ("accepted", "in_progress"),
        ("in_progress", "resolved"), ("resolved", "closed"),
    ]  # fmt: skip
    [closing] = [e for e in out.events() if e.event_type == "ticket.closed"]
    assert closing.payload.reason == "auto_closed"
    assert events


async def test_the_portal_flow_of_seed_004(dispatch, settings, infra):
    topics = settings.topics
    await assigned_ticket(dispatch, infra.kafka_bootstrap, topics.intake_events, "p-1")
    agent = ("li.wei", "agent")
    steps = [
        ("accept", agent, {}, "accepted"),
        ("start", agent, {}, "in_progress"),
        ("wait-customer", agent, {"reason": "need a test call"}, "waiting_customer"),
        ("customer-reply", CUSTOMER, {"message": "called, still no tone"}, "in_progress"),
        ("hold", agent, {"reason": "waiting for the SIP provider"}, "on_hold"),
        ("resume", agent, {}, "in_progress"),
        ("escalate", agent, {"reason": "needs_expertise", "assignee": "l2.expert"}, "escalated"),
        ("resume", ("l2.expert", "agent"), {}, "in_progress"),
        ("resolve", ("l2.expert", "agent"), FIX, "resolved"),
        ("customer-reply", CUSTOMER, {"message": "one extension still silent"}, "in_progress"),
        ("resolve", ("l2.expert", "agent"), FIX, "resolved"),
        ("confirm", CUSTOMER, {}, "closed"),
    ]
    for name, actor, body, status in steps:
        response = await command(dispatch, "p-1", name, actor, body)
        assert response.status_code in (200, 202), (name, response.text)
        assert response.json()["status"] == status, name
    view = await work_order(dispatch, "p-1")
    history = (await dispatch.get("/work-orders/p-1/history")).json()
    assert (view["support_line"], view["assignee"]) == ("L2", "l2.expert")
    assert [h["to_status"] for h in history][-3:] == ["in_progress", "resolved", "closed"]


async def test_refusals_name_the_field_or_the_allowed_commands_and_change_nothing(
    dispatch, settings, infra
):
    await assigned_ticket(dispatch, infra.kafka_bootstrap, settings.topics.intake_events, "r-1")
    await command(dispatch, "r-1", "accept", ENGINEER)
    before = await work_order(dispatch, "r-1")
    illegal = await command(dispatch, "r-1", "confirm", CUSTOMER)
    priority = await command(
        dispatch, "r-1", "escalate", ENGINEER, {"reason": "raise_priority", "assignee": "x"}
    )
    wrong_role = await command(dispatch, "r-1", "start", CUSTOMER)
    no_role = await dispatch.post("/work-orders/r-1/start", headers={"X-Actor-Id": "x"})
    missing = await command(dispatch, "nope", "start", ENGINEER)
    bad_version = await dispatch.post(
        "/work-orders/r-1/start",
        headers={"X-Actor-Id": "li.wei", "X-Actor-Role": "agent", "If-Match": "v1"},
    )
    assert illegal.status_code == 409
    assert illegal.json()["detail"]["allowed"] == before["allowed_commands"]
    assert "start" in illegal.json()["detail"]["allowed"]
    assert priority.status_code == 422
    assert priority.json()["detail"][0]["field"] == "reason"
    assert wrong_role.status_code == 403
    assert no_role.status_code == 422
    assert missing.status_code == 404
    assert bad_version.json()["detail"][0]["field"] == "header.if-match"
    assert await work_order(dispatch, "r-1") == before


async def test_a_work_order_says_which_allowed_commands_the_callers_role_may_run(
    dispatch, settings, infra
):
    await assigned_ticket(dispatch, infra.kafka_bootstrap, settings.topics.intake_events, "o-1")
    as_customer = await dispatch.get("/work-orders/o-1", headers={"X-Actor-Role": "requester"})
    as_engineer = await dispatch.get("/work-orders/o-1", headers={"X-Actor-Role": "field_engineer"})
    unsaid = (await work_order(dispatch, "o-1"))["allowed_for_caller"]

    assert "accept" in as_engineer.json()["allowed_for_caller"]
    assert "accept" not in as_customer.json()["allowed_for_caller"]
    assert set(as_customer.json()["allowed_for_caller"]) < set(
        as_customer.json()["allowed_commands"]
    )
    assert unsaid is None
