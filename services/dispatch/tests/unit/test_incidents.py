"""Parent incidents: who links and unlinks, which children follow the parent's resolution."""

import pytest

from services.dispatch.domain import incidents
from services.dispatch.domain.values import Resolution
from services.dispatch.tests.unit.builders import NOW, actor, order
from shared.errors import Conflict, Forbidden, InvalidFields
from shared.events.dispatch import ParentIncidentLinked, ParentIncidentUnlinked, TicketResolved
from shared.events.vocabulary import TicketStatus

DISPATCHER = actor("dispatcher", "zhou")
S = TicketStatus


def parent(status: TicketStatus = S.IN_PROGRESS, **fields: object):
    return order(status, ticket_id="p-1", number="acme-9", **fields)


def resolved_parent(**resolution: str | None):
    p = parent(S.RESOLVED)
    p.resolution = Resolution("光交箱断电", "更换电源", "POWER", resolution.get("overdue"))
    return p


@pytest.mark.parametrize("status", [S.NEW, S.ASSIGNED, S.IN_PROGRESS, S.ON_HOLD, S.ESCALATED])
def test_an_open_child_is_linked_once(status):
    child = order(status)
    assert incidents.link(child, parent(), "c-1", DISPATCHER, NOW) is True
    assert incidents.link(child, parent(), "c-1", DISPATCHER, NOW) is False
    [event] = child.events
    assert isinstance(event, ParentIncidentLinked)
    assert (event.payload.parent_id, event.payload.cluster_id) == ("p-1", "c-1")
    assert (child.parent_id, child.status) == ("p-1", status)
    assert child.history[-1].command == incidents.LINK


@pytest.mark.parametrize("status", [S.RESOLVED, S.CLOSED, S.CANCELED])
def test_a_finished_ticket_is_not_linked(status):
    child = order(status)
    assert incidents.link(child, parent(), None, DISPATCHER, NOW) is False
    assert (child.parent_id, child.events) == (None, [])


def test_the_parent_is_not_its_own_child():
    p = parent()
    assert incidents.link(p, p, None, DISPATCHER, NOW) is False


def test_a_parent_must_be_an_open_ticket_of_the_tenant():
    with pytest.raises(InvalidFields):
        incidents.check_parent(parent(S.CLOSED), "acme")
    with pytest.raises(InvalidFields):
        incidents.check_parent(parent(), "beta")
    incidents.check_parent(parent(), "acme")


def test_only_dispatching_roles_manage_parents_and_unlinking_needs_a_parent():
    child = order(S.ASSIGNED, parent_id="p-1")
    with pytest.raises(Forbidden):
        incidents.unlink(child, None, actor("field_engineer"), NOW)
    incidents.unlink(child, "另有原因", DISPATCHER, NOW)
    assert child.parent_id is None
    assert isinstance(child.events[-1], ParentIncidentUnlinked)
    with pytest.raises(Conflict):
        incidents.unlink(child, None, DISPATCHER, NOW)


def test_resolving_the_parent_resolves_an_open_child_with_its_resolution():
    child = order(S.IN_PROGRESS, parent_id="p-1")
    assert incidents.resolve_with_parent(child, resolved_parent(), DISPATCHER, NOW) is True
    resolved = next(e for e in child.events if isinstance(e, TicketResolved))
    assert (resolved.payload.cause, resolved.payload.parent_id) == ("光交箱断电", "p-1")
    assert resolved.payload.overdue_reason is None
    assert child.status is S.RESOLVED
    assert incidents.resolve_with_parent(child, resolved_parent(), DISPATCHER, NOW) is False


def test_an_overdue_child_says_why_it_was_late():
    child = order(S.IN_PROGRESS, parent_id="p-1", overdue=True)
    incidents.resolve_with_parent(child, resolved_parent(), DISPATCHER, NOW)
    assert child.resolution is not None
    assert child.resolution.overdue_reason == "resolved with parent incident acme-9"


@pytest.mark.parametrize(
    "child",
    [order(S.CLOSED, parent_id="p-1"), order(S.IN_PROGRESS, parent_id="p-2"),
     order(S.IN_PROGRESS)],
)  # fmt: skip
def test_a_finished_or_foreign_child_is_left_alone(child):
    assert incidents.resolve_with_parent(child, resolved_parent(), DISPATCHER, NOW) is False
    assert child.events == []
