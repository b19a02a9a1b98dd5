"""What each consumed event changes about the ticket as notify follows it, and what it
means to the people around it (the notices)."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from services.notify.domain.rendering import Kind
from services.notify.domain.rules import Notice
from services.notify.domain.tickets import FollowedTicket
from shared.events import EventEnvelope, TicketRegistered
from shared.events import dispatch as d
from shared.events import qc as q
from shared.events import sla as s
from shared.events.dispatch import CommentVisibility


@dataclass(frozen=True)
class Reading:
    fields: dict[str, Any] = field(default_factory=dict)
    notices: list[tuple[Kind, dict[str, Any]]] = field(default_factory=list)
    shared_with: tuple[str, ...] = ()
    # The ticket's fields (as this event leaves them) naming whom a QC notice concerns,
    # and the unit whose leads hear of it.
    concerned: tuple[str, ...] = ()
    unit: str | None = None

    def apply(self, event: EventEnvelope, ticket: FollowedTicket) -> list[Notice]:
        ticket.update(event.occurred_at, **self.fields)
        ticket.shared_with.update(self.shared_with)
        concerned = tuple(v for f in self.concerned if (v := ticket.get(f)))
        unit = ticket.get(self.unit) if self.unit else None
        return [
            Notice(kind, str(event.event_id), event.occurred_at, event.actor.id, details,
                   self.shared_with, concerned, unit)
            for kind, details in self.notices
        ]  # fmt: skip


def _status(payload: Any) -> dict[str, Any]:
    status = getattr(payload, "status", None)
    return {"status": status.value} if status is not None else {}


def _registered(e: TicketRegistered) -> Reading:
    p, contact = e.payload, e.payload.contact
    fields = _status(p) | {
        "number": p.number, "subject": p.subject, "severity": p.severity.value,
        "priority": p.priority.value,
        "contact_name": contact.name if contact else None,
        "contact_phone": contact.phone if contact else None,
        "contact_email": contact.email if contact else None,
        # A portal user registered it for themselves; an agent registers for a customer.
        "submitted_by": e.actor.id if e.actor.role == "requester" else None,
    }  # fmt: skip
    notices: list[tuple[Kind, dict[str, Any]]] = [(Kind.REGISTERED, {})]
    if p.repeat_of:
        notices.append((Kind.REPEAT_COMPLAINT, {}))
    return Reading(fields, notices)


def _assigned(e: d.TicketAssigned) -> Reading:
    p = e.payload
    fields = _status(p) | {"assignee": p.assignee, "group": p.group}
    return Reading(fields, [(Kind.ASSIGNED, {"reason": p.reason})])


def _accepted(e: d.TicketAccepted) -> Reading:
    return Reading(_status(e.payload) | {"assignee": e.payload.assignee})


def _transferred(e: d.TicketTransferred) -> Reading:
    p = e.payload
    fields = _status(p) | {"assignee": p.to_assignee, "group": p.to_group}
    return Reading(fields, [(Kind.TRANSFERRED, {"reason": p.reason})])


def _urged(e: d.TicketUrged) -> Reading:
    p = e.payload
    return Reading(_status(p), [(Kind.URGED, {"note": p.note, "urge_count": p.urge_count})])


def _escalated(e: d.TicketEscalated) -> Reading:
    p = e.payload
    fields = _status(p) | {"assignee": p.assignee, "group": p.group}
    details = {"to_line": p.to_line.value, "reason": p.reason.value, "note": p.note}
    return Reading(fields, [(Kind.ESCALATED, details)])


def _severity(e: d.TicketSeverityUpgraded) -> Reading:
    return Reading(_status(e.payload) | {"severity": e.payload.to_severity.value})


def _priority(e: d.TicketPriorityChanged) -> Reading:
    return Reading(_status(e.payload) | {"priority": e.payload.to_priority.value})


def _major(e: d.MajorAlertRaised) -> Reading:
    p = e.payload
    fields = {"number": p.number, "subject": p.subject, "severity": p.severity.value}
    return Reading(fields, [(Kind.MAJOR_ALERT, {"critical": True})])


# Commands whose own event is a notice (assigned, resolved…): their status change is not
# told a second time.
_TOLD_BY_THEIR_OWN_EVENT = frozenset({
    "assign", "transfer", "return_to_centre", "escalate", "resolve", "confirm", "cancel",
    "auto_close", "close",
    # The last approval is told as the resolution; a rejected proposal goes back to work
    # without the customer ever having heard of it (审核 is the desk's internal step).
    "approve", "reject",
})  # fmt: skip


def _status_changed(e: d.TicketStatusChanged) -> Reading:
    p = e.payload
    fields: dict[str, Any] = {"status": p.to_status.value}
    fields |= {"assignee": p.assignee} if p.assignee is not None else {}
    fields |= {"watchers": p.watchers} if p.watchers is not None else {}
    if p.command in _TOLD_BY_THEIR_OWN_EVENT:
        return Reading(fields)
    details = {"from_status": p.from_status.value, "to_status": p.to_status.value,
               "reason": p.reason}  # fmt: skip
    return Reading(fields, [(Kind.STATUS_CHANGED, details)])


def _resolved(e: d.TicketResolved) -> Reading:
    return Reading(_status(e.payload), [(Kind.RESOLVED, {"solution": e.payload.solution})])


def _closed(e: d.TicketClosed) -> Reading:
    return Reading(_status(e.payload), [(Kind.CLOSED, {"reason": e.payload.reason.value})])


def _canceled(e: d.TicketCanceled) -> Reading:
    return Reading(_status(e.payload), [(Kind.CLOSED, {"reason": e.payload.reason})])


def _commented(e: d.TicketCommented) -> Reading:
    if e.payload.visibility is not CommentVisibility.PORTAL:
        return Reading(_status(e.payload))
    return Reading(_status(e.payload), [(Kind.PORTAL_MESSAGE, {"message": e.payload.body})])


def _watch(e: d.TicketWatchChanged) -> Reading:
    return Reading({"watchers": e.payload.watchers})


def _shared(e: d.TicketShared) -> Reading:
    p = e.payload
    return Reading({}, [(Kind.SHARED, {"note": p.note})], tuple(p.shared_with))


# SLA notices tell the ticket's people that its handling is late. Quality control's
# deadlines (inspection, appeal: ``not metric.handles_the_ticket``) run after closure and
# are not theirs, so notify tells nobody about them (webhook subscribers still get them).


def _warning(e: s.SlaWarningIssued) -> Reading:
    p = e.payload
    if not p.metric.handles_the_ticket:
        return Reading()
    return Reading({}, [(Kind.SLA_WARNING, {"metric": p.metric.value, "due_at": p.due_at})])


def _breached(e: s.SlaBreached) -> Reading:
    p = e.payload
    if not p.metric.handles_the_ticket:
        return Reading()
    return Reading({}, [(Kind.SLA_BREACHED, {"metric": p.metric.value, "due_at": p.due_at})])


def _inspected(e: q.InspectionSubmitted) -> Reading:
    p = e.payload
    if p.passed:
        return Reading()
    details = {"score": p.score, "reason": ", ".join(p.failed_items) or None,
               "note": p.comment}  # fmt: skip
    return Reading({}, [(Kind.INSPECTION_FAILED, details)])


def _judged(e: q.ResponsibilityJudged) -> Reading:
    p = e.payload
    # A new judgement (after a reassignment) concerns nobody who appealed the last one.
    fields = {"judged_unit": p.unit, "judged_person": p.person, "appellant": None}
    details = {"unit": p.unit, "category": p.category, "reason": p.text,
               "appealable": p.appealable}  # fmt: skip
    return Reading(fields, [(Kind.RESPONSIBILITY_JUDGED, details)],
                   concerned=("judged_person",), unit="judged_unit")  # fmt: skip


def _appealed(e: q.AppealFiled) -> Reading:
    return Reading({"appellant": e.payload.appellant})


def _appeal_decided(e: q.AppealDecided) -> Reading:
    p = e.payload
    details = {"decision": p.decision.value, "reason": p.reason, "unit": p.new_unit}
    return Reading({}, [(Kind.APPEAL_DECIDED, details)],
                   concerned=("appellant", "judged_person"), unit="judged_unit")  # fmt: skip


READINGS: dict[type[EventEnvelope], Callable[[Any], Reading]] = {
    TicketRegistered: _registered,
    d.TicketAssigned: _assigned,
    d.TicketAccepted: _accepted,
    d.TicketTransferred: _transferred,
    d.TicketUrged: _urged,
    d.TicketEscalated: _escalated,
    d.TicketSeverityUpgraded: _severity,
    d.TicketPriorityChanged: _priority,
    d.MajorAlertRaised: _major,
    d.TicketStatusChanged: _status_changed,
    d.TicketResolved: _resolved,
    d.TicketClosed: _closed,
    d.TicketCanceled: _canceled,
    d.TicketCommented: _commented,
    d.TicketWatchChanged: _watch,
    d.TicketShared: _shared,
    s.SlaWarningIssued: _warning,
    s.SlaBreached: _breached,
    q.InspectionSubmitted: _inspected,
    q.ResponsibilityJudged: _judged,
    q.AppealFiled: _appealed,
    q.AppealDecided: _appeal_decided,
}


def reading_of(event: EventEnvelope) -> Reading:
    """What ``event`` says; an event notify has no rule for changes nothing (webhook
    subscribers still get it)."""
    read = READINGS.get(type(event))
    return read(event) if read else Reading()
