from datetime import UTC, datetime, timedelta

from services.gateway.domain import projection
from shared.events import TicketAssigned, TicketAssignedPayload
from shared.testing.builders import ticket_registered as registered

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def test_registration_sets_the_facts_and_the_initial_status():
    event = registered("t-1")
    change = projection.registered(event)
    assert change.ticket_id == "t-1"
    assert change.facts["number"] == "acme-t-1"
    assert change.latest == {"status": "new"}
    assert change.at == event.occurred_at


def test_assignment_changes_only_ordered_fields():
    event = TicketAssigned(
        occurred_at=T0 + timedelta(seconds=5),
        producer="dispatch",
        tenant_id="acme",
        ticket_id="t-1",
        payload=TicketAssignedPayload(assignee="li.wei", group="noc", reason="rule"),
    )
    change = projection.assigned(event)
    assert change.facts == {}
    assert change.latest == {"status": "assigned", "assignee": "li.wei", "group": "noc"}
