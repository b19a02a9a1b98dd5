from datetime import UTC, datetime

import pytest

from services.dispatch.domain.assignment import AssignmentRule, choose_assignment
from services.dispatch.domain.work_order import IllegalTransition, WorkOrder
from shared.events import SYSTEM_ACTOR, TicketAssigned
from shared.events.vocabulary import Priority, Severity, TicketStatus, TicketType

RULES = [
    AssignmentRule(ticket_type=TicketType.COMPLAINT, assignee="zhang.min", group="complaints"),
    AssignmentRule(ticket_type=TicketType.INCIDENT, assignee="li.wei", group="noc"),
    AssignmentRule(assignee="catch-all"),
]


@pytest.mark.parametrize(
    ("ticket_type", "assignee"),
    [
        (TicketType.COMPLAINT, "zhang.min"),
        (TicketType.INCIDENT, "li.wei"),
        (TicketType.REPAIR, "catch-all"),
    ],
)
def test_the_first_matching_rule_wins(ticket_type, assignee):
    assert choose_assignment(RULES, ticket_type, "centre").assignee == assignee


def test_without_a_matching_rule_the_ticket_goes_to_the_dispatch_centre():
    rule = choose_assignment(RULES[:2], TicketType.REPAIR, "centre")
    assert (rule.assignee, rule.group) == ("centre", "centre")


def order(status=TicketStatus.NEW) -> WorkOrder:
    return WorkOrder(
        ticket_id="t-1",
        tenant_id="acme",
        number="acme-1",
        type=TicketType.INCIDENT,
        priority=Priority.P3,
        severity=Severity.NORMAL,
        status=status,
    )


def test_assigning_a_new_ticket_records_the_assignment():
    wo = order()
    wo.assign("li.wei", "noc", "rule", SYSTEM_ACTOR, datetime(2026, 1, 1, tzinfo=UTC))
    assert (wo.status, wo.assignee, wo.group) == (TicketStatus.ASSIGNED, "li.wei", "noc")
    [event] = wo.events
    assert isinstance(event, TicketAssigned)
    assert event.payload.assignee == "li.wei"


@pytest.mark.parametrize("status", [s for s in TicketStatus if s is not TicketStatus.NEW])
def test_only_a_new_ticket_is_auto_assigned(status):
    wo = order(status)
    with pytest.raises(IllegalTransition):
        wo.assign("li.wei", None, "rule", SYSTEM_ACTOR, datetime(2026, 1, 1, tzinfo=UTC))
    assert wo.events == []
    assert wo.status is status
