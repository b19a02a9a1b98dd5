"""How each event changes the gateway's ticket read model.

Events of one ticket come from several topics and may arrive out of order. Fields that
later events overwrite are grouped into aspects (status, assignment, priority, …); an
aspect is applied only when the event is newer than the one that last set that aspect.
Facts (number, subject, resolution, …) never conflict and are always applied.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from shared.events import EventEnvelope, TicketAssigned, TicketRegistered
from shared.events import dispatch as d
from shared.events import intake as i
from shared.events import sla as s
from shared.events.vocabulary import TicketStatus

Fields = dict[str, Any]

# Statuses in which a ticket is still someone's job (the field app's "my jobs").
OPEN_STATUSES = [
    s.value for s in (
        TicketStatus.ASSIGNED, TicketStatus.ACCEPTED, TicketStatus.IN_PROGRESS,
        TicketStatus.WAITING_CUSTOMER, TicketStatus.ON_HOLD, TicketStatus.INVESTIGATION,
        TicketStatus.ESCALATED,
    )
]  # fmt: skip


@dataclass(frozen=True)
class ViewChange:
    ticket_id: str
    tenant_id: str
    at: datetime
    facts: Fields = field(default_factory=dict)
    aspects: dict[str, Fields] = field(default_factory=dict)


@dataclass(frozen=True)
class ViewUpdate:
    """What to write: ``fields`` of the view, and when each aspect written was last set."""

    fields: Fields
    stamps: dict[str, datetime]


def update_for(change: ViewChange, stamps: Mapping[str, datetime]) -> ViewUpdate:
    """The newer aspect wins: ``change`` sets its facts always, and each of its aspects
    unless the view's ``stamps`` say a later event already set that aspect. Equal times
    apply, so a redelivered event writes what it wrote the first time."""
    fields = {**change.facts, "tenant_id": change.tenant_id}
    applied: dict[str, datetime] = {}
    for aspect, values in change.aspects.items():
        last = stamps.get(aspect)
        if last is None or last <= change.at:
            fields |= values
            applied[aspect] = change.at
    return ViewUpdate(fields, applied)


def _change(event: EventEnvelope, facts: Fields | None = None, **aspects: Fields) -> ViewChange:
    status = getattr(event.payload, "status", None)
    if status is not None and "status" not in aspects:
        aspects["status"] = {"status": status.value}
    return ViewChange(event.ticket_id, event.tenant_id, event.occurred_at, facts or {}, aspects)


def registered(event: TicketRegistered) -> ViewChange:
    p = event.payload
    facts = {
        "number": p.number,
        "type": p.type.value,
        "subject": p.subject,
        "source": p.source.value,
        "external_ref": p.external_ref,
        "registered_at": p.registered_at,
        "tags": p.tags,
        "region": p.location.region if p.location else None,
        "repeat_of": p.repeat_of,
        "related_to": p.related_to,
    }
    return _change(
        event,
        facts,
        priority={"priority": p.priority.value},
        severity={"severity": p.severity.value},
    )


def assigned(event: TicketAssigned) -> ViewChange:
    p = event.payload
    return _change(event, assignment={"assignee": p.assignee, "group": p.group})


def accepted(event: d.TicketAccepted) -> ViewChange:
    appointment = event.payload.appointment
    facts = {"appointment": appointment.model_dump() if appointment else None}
    return _change(event, facts, major_alert={"major_alert": False})


def transferred(event: d.TicketTransferred) -> ViewChange:
    p = event.payload
    return _change(event, assignment={"assignee": p.to_assignee, "group": p.to_group})


def escalated(event: d.TicketEscalated) -> ViewChange:
    p = event.payload
    return _change(
        event,
        assignment={"assignee": p.assignee, "group": p.group},
        support_line={"support_line": p.to_line.value},
    )


def urged(event: d.TicketUrged) -> ViewChange:
    return _change(event, urges={"urge_count": event.payload.urge_count})


def severity_upgraded(event: d.TicketSeverityUpgraded) -> ViewChange:
    return _change(event, severity={"severity": event.payload.to_severity.value})


def priority_changed(event: d.TicketPriorityChanged) -> ViewChange:
    return _change(event, priority={"priority": event.payload.to_priority.value})


def status_changed(event: d.TicketStatusChanged) -> ViewChange:
    return _change(event, status={"status": event.payload.to_status.value})


def resolved(event: d.TicketResolved) -> ViewChange:
    p = event.payload
    resolution = {"cause": p.cause, "solution": p.solution, "closure_code": p.closure_code}
    return _change(event, {"resolution": resolution | {"overdue_reason": p.overdue_reason}})


def closed(event: d.TicketClosed) -> ViewChange:
    return _change(event, {"closure_reason": event.payload.reason.value})


def canceled(event: d.TicketCanceled) -> ViewChange:
    return _change(event, {"closure_reason": "canceled", "cancel_reason": event.payload.reason})


def major_alert_raised(event: d.MajorAlertRaised) -> ViewChange:
    return _change(event, major_alert={"major_alert": True})


def major_alert_cleared(event: d.MajorAlertCleared) -> ViewChange:
    return _change(event, major_alert={"major_alert": False})


def released(event: i.TicketReleased) -> ViewChange:
    return _change(event)


def linked_as_repeat(event: i.TicketLinkedAsRepeat) -> ViewChange:
    p = event.payload
    return _change(
        event,
        {"repeat_of": p.original_ticket_id, "repeat": True},
        priority={"priority": p.priority_after.value},
    )


def breached(event: s.SlaBreached) -> ViewChange:
    return _change(event, {"overdue": True})


PROJECTIONS: dict[type[Any], Callable[[Any], ViewChange]] = {
    TicketRegistered: registered,
    i.TicketReleased: released,
    i.TicketLinkedAsRepeat: linked_as_repeat,
    TicketAssigned: assigned,
    d.TicketAccepted: accepted,
    d.TicketTransferred: transferred,
    d.TicketEscalated: escalated,
    d.TicketUrged: urged,
    d.TicketSeverityUpgraded: severity_upgraded,
    d.TicketPriorityChanged: priority_changed,
    d.TicketStatusChanged: status_changed,
    d.CustomerReplied: _change,
    d.TicketResolved: resolved,
    d.TicketClosed: closed,
    d.TicketCanceled: canceled,
    d.MajorAlertRaised: major_alert_raised,
    d.MajorAlertCleared: major_alert_cleared,
    s.SlaBreached: breached,
}
