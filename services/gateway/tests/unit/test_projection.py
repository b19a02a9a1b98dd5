from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from services.gateway.domain import projection
from services.gateway.tests.fakes import InMemoryTicketViews
from shared.events import TicketAssigned, TicketAssignedPayload
from shared.testing.builders import ticket_registered as registered

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def test_registration_sets_the_facts_and_the_initial_status():
    event = registered("t-1")
    change = projection.registered(event)
    assert change.ticket_id == "t-1"
    assert change.facts["number"] == "acme-t-1"
    assert change.aspects == {
        "status": {"status": "new"},
        "priority": {"priority": "P3"},
        "severity": {"severity": "normal"},
    }
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
    assert change.aspects == {
        "status": {"status": "assigned"},
        "assignment": {"assignee": "li.wei", "group": "noc"},
    }


def _later(seconds: int) -> datetime:
    return T0 + timedelta(seconds=seconds)


def workflow() -> list:
    """registered → assigned → transferred → severity upgraded → status changes → resolved."""
    from shared.events.dispatch import (
        TicketResolved,
        TicketResolvedPayload,
        TicketSeverityUpgraded,
        TicketSeverityUpgradedPayload,
        TicketStatusChanged,
        TicketStatusChangedPayload,
        TicketTransferred,
        TicketTransferredPayload,
    )
    from shared.events.vocabulary import Severity, TicketStatus

    common = {"producer": "dispatch", "tenant_id": "acme", "ticket_id": "t-1"}
    return [
        registered("t-1", at=T0),
        TicketAssigned(
            occurred_at=_later(1),
            payload=TicketAssignedPayload(assignee="li.wei", group="noc", reason="rule"),
            **common,
        ),
        TicketTransferred(
            occurred_at=_later(2),
            payload=TicketTransferredPayload(
                from_assignee="li.wei",
                to_assignee="wang.fang",
                to_group="field",
                reason="wrong district",
                status=TicketStatus.ASSIGNED,
            ),
            **common,
        ),
        TicketSeverityUpgraded(
            occurred_at=_later(3),
            payload=TicketSeverityUpgradedPayload(
                from_severity=Severity.NORMAL,
                to_severity=Severity.URGENT,
                status=TicketStatus.ASSIGNED,
            ),
            **common,
        ),
        TicketStatusChanged(
            occurred_at=_later(4),
            payload=TicketStatusChangedPayload(
                from_status=TicketStatus.ASSIGNED, to_status=TicketStatus.ACCEPTED, command="accept"
            ),
            **common,
        ),
        TicketResolved(
            occurred_at=_later(5),
            payload=TicketResolvedPayload(cause="fibre cut", solution="spliced", closure_code="FX"),
            **common,
        ),
    ]


async def _apply_all(events) -> dict:
    views = InMemoryTicketViews()
    for event in events:
        change = projection.PROJECTIONS[type(event)](event)
        update = projection.update_for(change, await views.aspect_stamps(change.ticket_id))
        await views.save(change.ticket_id, update)
    doc = await views.get("t-1")
    assert doc is not None
    return doc


async def test_the_workflow_in_order_gives_the_latest_of_each_aspect():
    doc = await _apply_all(workflow())
    assert doc["status"] == "resolved"
    assert (doc["assignee"], doc["group"]) == ("wang.fang", "field")
    assert doc["severity"] == "urgent"
    assert doc["resolution"]["cause"] == "fibre cut"
    assert doc["number"] == "acme-t-1"


@settings(max_examples=60, deadline=None)
@given(st.permutations(range(6)), st.lists(st.integers(0, 5), max_size=4))
async def test_any_arrival_order_and_redelivery_gives_the_same_view(order, redelivered):
    events = workflow()
    shuffled = [events[i] for i in order] + [events[i] for i in redelivered]
    assert await _apply_all(shuffled) == await _apply_all(events)


def _status_change(at: datetime) -> projection.ViewChange:
    return projection.ViewChange(
        "t-1", "acme", at, {"subject": "x"}, {"status": {"status": "assigned"}}
    )


def test_an_aspect_set_by_a_later_event_is_kept_and_the_facts_still_apply():
    update = projection.update_for(_status_change(_later(5)), {"status": _later(9)})
    assert update.fields == {"subject": "x", "tenant_id": "acme"}
    assert update.stamps == {}


def test_an_aspect_set_earlier_or_never_is_overwritten_and_restamped():
    for stamps in ({}, {"status": _later(1)}, {"status": _later(5)}, {"severity": _later(9)}):
        update = projection.update_for(_status_change(_later(5)), stamps)
        assert update.fields["status"] == "assigned"
        assert update.stamps == {"status": _later(5)}
