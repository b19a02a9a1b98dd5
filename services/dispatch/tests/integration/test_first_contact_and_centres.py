"""On real Kafka and MongoDB: a ticket answered at first contact is closed at registration
without assignment; sharing is refused outside the sharer's centre and changes nothing."""

from services.dispatch.tests.integration.helpers import (
    assigned_ticket,
    command,
    configure,
    registered,
    until_status,
    work_order,
)
from shared.events import Actor
from shared.events.dispatch import ClosureReason, TicketClosed, TicketResolved
from shared.events.submissions import FirstContactResolution
from shared.testing.kafka import publish_in_order
from shared.testing.recorder import TopicRecorder

AGENT = Actor(id="agent.wang", role="agent")
ENGINEER = ("li.wei", "field_engineer")


async def test_an_answered_ticket_is_resolved_and_closed_by_the_agent_without_assignment(
    dispatch, settings, infra
):
    topics = settings.topics
    await configure(dispatch, "acme", "routing-rules/all", {"order": 1, "assignee": "li.wei"})
    answer = FirstContactResolution(cause="password forgotten", solution="reset it",
                                    closure_code="PWD")  # fmt: skip
    event = registered("fcr-1", first_contact_resolution=answer).model_copy(update={"actor": AGENT})
    async with TopicRecorder(infra.kafka_bootstrap, topics.dispatch_events) as out:
        await publish_in_order(infra.kafka_bootstrap, topics.intake_events, event, event)
        await until_status(dispatch, "fcr-1", "closed")
        events = await out.wait_for_count(4)
    view = await work_order(dispatch, "fcr-1")
    history = (await dispatch.get("/work-orders/fcr-1/history")).json()
    assert [e.event_type for e in events] == [
        "ticket.resolved", "ticket.status_changed", "ticket.closed", "ticket.status_changed",
    ]  # fmt: skip
    assert {e.actor for e in events} == {AGENT}
    resolved = next(e for e in events if isinstance(e, TicketResolved))
    closed = next(e for e in events if isinstance(e, TicketClosed))
    assert (resolved.payload.cause, resolved.payload.closure_code) == ("password forgotten", "PWD")
    assert closed.payload.reason is ClosureReason.FIRST_CONTACT
    assert (view["assignee"], view["status"]) == (None, "closed")
    assert view["resolution"]["solution"] == "reset it"
    assert [(h["command"], h["actor_id"]) for h in history] == [
        ("resolve", "agent.wang"), ("close", "agent.wang"),
    ]  # fmt: skip


async def test_sharing_outside_the_sharers_centre_is_refused_naming_each_person(
    dispatch, settings, infra
):
    topics = settings.topics
    staff = {"li.wei": "south", "zhao": "south", "qian": "north", "sun": None}
    for person, centre in staff.items():
        body = {"name": person} | ({"centre": centre} if centre else {})
        await configure(dispatch, "acme", f"staff/{person}", body)
    await configure(dispatch, "beta", "staff/wu", {"name": "wu", "centre": "south"})
    await assigned_ticket(dispatch, infra.kafka_bootstrap, topics.intake_events, "s-1")
    before = await work_order(dispatch, "s-1")
    async with TopicRecorder(infra.kafka_bootstrap, topics.dispatch_events) as out:
        refused = await command(
            dispatch, "s-1", "share", ENGINEER, {"shared_with": ["zhao", "qian", "sun", "wu"]}
        )
        shared = await command(dispatch, "s-1", "share", ENGINEER, {"shared_with": ["zhao"]})
        await out.wait_for(lambda rs: any(b"ticket.shared" in (r.value or b"") for r in rs))
    after = await work_order(dispatch, "s-1")
    assert refused.status_code == 422, refused.text
    [problem] = refused.json()["detail"]
    assert problem["field"] == "shared_with"
    for name in ("qian", "sun", "wu"):  # another centre, no centre, another tenant
        assert f"{name} is" in problem["reason"]
    assert "zhao is" not in problem["reason"]
    assert shared.status_code == 200, shared.text
    assert after["shared_with"] == ["zhao"]
    assert after["version"] == before["version"] + 1  # the refusal wrote nothing
    shares = [e.payload.shared_with for e in out.events() if e.event_type == "ticket.shared"]
    assert shares == [["zhao"]]
