"""直接答复 (resolved and closed at registration) and rule 12 (share inside the centre)."""

import pytest

from services.dispatch.app import commands
from services.dispatch.app.commands import Target
from services.dispatch.app.consumers import on_ticket_registered
from services.dispatch.app.routing import Routing
from services.dispatch.domain.errors import IllegalTransition, InvalidField
from services.dispatch.domain.people import Colleagues, Person
from services.dispatch.domain.routing_rules import RoutingRule
from services.dispatch.domain.work_order import WorkOrder
from services.dispatch.tests.unit.builders import NOW, actor, order
from services.dispatch.tests.unit.fakes import FakeDirectory, FakeUnitOfWork, FakeWorkOrders
from shared.events import Actor, TicketRegistered
from shared.events.dispatch import (
    ClosureReason,
    TicketClosed,
    TicketResolved,
    TicketShared,
    TicketStatusChanged,
)
from shared.events.submissions import FirstContactResolution
from shared.events.vocabulary import Severity, TicketStatus
from shared.testing.builders import ticket_registered

AGENT = Actor(id="agent.wang", role="agent")
ANSWER = FirstContactResolution(cause="password forgotten", solution="reset on the call",
                                closure_code="PWD")  # fmt: skip


def answered(ticket_id: str = "t-1", **fields: object) -> TicketRegistered:
    event = ticket_registered(ticket_id)
    payload = event.payload.model_copy(update={"first_contact_resolution": ANSWER} | fields)
    return event.model_copy(update={"payload": payload, "actor": AGENT})


# --- 直接答复 (pure) ---


def test_a_ticket_answered_at_first_contact_opens_resolved_and_closed_in_the_agents_name():
    wo = WorkOrder.open(answered(severity=Severity.MAJOR), NOW)
    assert (wo.status, wo.assignee, wo.group, wo.major_alert) == (
        TicketStatus.CLOSED, None, None, False,
    )  # fmt: skip
    kinds = [type(e) for e in wo.events]
    assert kinds == [TicketResolved, TicketStatusChanged, TicketClosed, TicketStatusChanged]
    assert {e.actor for e in wo.events} == {AGENT}
    resolved, _, closed, _ = (e.payload for e in wo.events)
    assert (resolved.cause, resolved.solution, resolved.closure_code) == (
        "password forgotten", "reset on the call", "PWD",
    )  # fmt: skip
    assert closed.reason is ClosureReason.FIRST_CONTACT
    steps = [(h.command, h.from_status, h.to_status, h.actor_id, h.reason) for h in wo.history]
    assert steps == [
        ("resolve", TicketStatus.NEW, TicketStatus.RESOLVED, "agent.wang", "first_contact"),
        ("close", TicketStatus.RESOLVED, TicketStatus.CLOSED, "agent.wang", "first_contact"),
    ]
    assert wo.resolution is not None
    assert wo.resolution.closure_code == "PWD"


def test_a_registration_without_a_first_contact_resolution_opens_as_before():
    wo = WorkOrder.open(ticket_registered("t-1"), NOW)
    assert (wo.status, wo.events, wo.history) == (TicketStatus.NEW, [], [])


def test_only_a_new_ticket_is_resolved_at_first_contact():
    from services.dispatch.domain import progress
    from services.dispatch.domain.values import Resolution

    wo = order(TicketStatus.ASSIGNED)
    with pytest.raises(IllegalTransition):
        progress.resolve_at_first_contact(wo, Resolution("c", "s", "x"), AGENT, NOW)
    assert (wo.status, wo.events) == (TicketStatus.ASSIGNED, [])


async def test_the_consumer_stores_it_closed_and_never_routes_it():
    rule = RoutingRule(rule_id="all", order=1, assignee="li.wei")
    uow = FakeUnitOfWork(FakeWorkOrders(), FakeDirectory([rule]))
    await on_ticket_registered(uow, Routing("centre"), answered("t-9"))
    saved = uow.work_orders.saved["t-9"]
    assert (saved.status, saved.assignee, saved.group) == (TicketStatus.CLOSED, None, None)
    assert [e.event_type for e in uow.published if e.event_type != "ticket.status_changed"] == [
        "ticket.resolved", "ticket.closed",
    ]  # fmt: skip


# --- rule 12 (pure) ---


SOUTH = {"li.wei": Person("li.wei", "south"), "zhao": Person("zhao", "south"),
         "qian": Person("qian", "north"), "sun": Person("sun")}  # fmt: skip


def test_recipients_must_be_listed_in_the_tenant_and_of_the_sharers_centre():
    colleagues = Colleagues("acme", SOUTH["li.wei"], SOUTH)
    refused = colleagues.outside(["zhao", "qian", "sun", "stranger"])
    assert list(refused) == ["qian", "sun", "stranger"]
    assert "centre north" in refused["qian"]
    assert "centre south" in refused["qian"]
    assert "not in the directory of tenant acme" in refused["stranger"]
    assert colleagues.outside(["zhao"]) == {}


def test_people_without_a_centre_share_with_each_other_only():
    without = Colleagues("acme", SOUTH["sun"], SOUTH | {"zhou": Person("zhou")})
    assert without.outside(["zhou"]) == {}
    assert list(without.outside(["zhao"])) == ["zhao"]
    unlisted = Colleagues("acme", None, SOUTH)  # a sharer not in the directory: no centre
    assert unlisted.outside(["sun"]) == {}
    assert list(unlisted.outside(["zhao"])) == ["zhao"]


def test_a_refused_share_names_each_refused_person_and_changes_nothing():
    wo = order(TicketStatus.ASSIGNED)
    colleagues = Colleagues("acme", SOUTH["li.wei"], SOUTH)
    with pytest.raises(InvalidField) as refused:
        wo.share(["zhao", "qian", "stranger"], None, colleagues, actor("field_engineer"), NOW)
    assert refused.value.field == "shared_with"
    assert "qian" in refused.value.reason
    assert "stranger" in refused.value.reason
    assert "zhao " not in refused.value.reason
    assert (wo.shared_with, wo.events, wo.history) == ([], [], [])
    wo.share(["zhao"], "FYI", colleagues, actor("field_engineer"), NOW)
    assert wo.shared_with == ["zhao"]
    assert isinstance(wo.events[0], TicketShared)


async def test_the_share_use_case_reads_the_centres_of_the_tickets_tenant():
    staff = {"li.wei": "south", "zhao": "south", "qian": "north"}
    uow = FakeUnitOfWork(FakeWorkOrders(order(TicketStatus.ASSIGNED)), FakeDirectory(staff=staff))
    target = Target("t-1", actor("field_engineer"))
    with pytest.raises(InvalidField):
        await commands.share(uow, target, ["zhao", "qian"], None)
    assert uow.published == []
    assert uow.work_orders.saved["t-1"].shared_with == []
    shared = await commands.share(uow, target, ["zhao"], None)
    assert shared.shared_with == ["zhao"]
