"""How each event changes the gateway's ticket read model.

Events of one ticket come from several topics and may arrive out of order. Fields that
later events overwrite are grouped into aspects (status, assignment, priority, …); an
aspect is applied only when the event is newer than the one that last set that aspect.
Facts (number, subject, resolution, …) never conflict and are always applied. Every event
also leaves one entry in the ticket's processing history, keyed by its event id, so a
redelivered event writes the same entry again and the history is sorted when read.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from services.gateway.domain.callers import STAFF
from services.gateway.domain.search import document_tokens
from shared.events import EventEnvelope, TicketAssigned, TicketRegistered
from shared.events import dispatch as d
from shared.events import intake as i
from shared.events import notify as n
from shared.events import qc as q
from shared.events import sla as s
from shared.events.phones import e164
from shared.events.vocabulary import TicketStatus

Fields = dict[str, Any]

# Statuses in which a ticket is still someone's job (the field app's "my jobs").
OPEN_STATUSES = [
    s.value for s in (
        TicketStatus.ASSIGNED, TicketStatus.ACCEPTED, TicketStatus.IN_PROGRESS,
        TicketStatus.WAITING_CUSTOMER, TicketStatus.ON_HOLD, TicketStatus.INVESTIGATION,
        TicketStatus.ESCALATED, TicketStatus.PENDING_APPROVAL,
    )
]  # fmt: skip
# 历史工单: a ticket that has left the desk for good; every other status is in flight (在途).
ARCHIVED_STATUSES = [TicketStatus.CLOSED.value, TicketStatus.CANCELED.value]
IN_FLIGHT_STATUSES = [s.value for s in TicketStatus if s.value not in ARCHIVED_STATUSES]
# Statuses in which the assignee still holds the ticket: once it is resolved (or closed)
# it has moved on from whoever handled it, as it has when someone else has it now.
_HELD = set(IN_FLIGHT_STATUSES) - {TicketStatus.RESOLVED.value}

# The events that mean their actor handled the ticket (my done, 个人已办): dispatching,
# accepting, working, transferring, escalating, resolving it. Comments, urges, tags and
# watching are not handling it.
HANDLING_EVENTS = frozenset({
    "ticket.assigned", "ticket.accepted", "ticket.transferred", "ticket.escalated",
    "ticket.status_changed", "ticket.resolved", "ticket.severity_upgraded",
    "problem.created", "change.submitted",
})  # fmt: skip
_STAFF_ROLES = frozenset(role.value for role in STAFF)


@dataclass(frozen=True)
class ViewChange:
    ticket_id: str
    tenant_id: str
    at: datetime
    facts: Fields = field(default_factory=dict)
    aspects: dict[str, Fields] = field(default_factory=dict)
    entry: Fields | None = None
    touches: bool = True  # moves ``updated_at`` (a notification's status does not)
    handler: str | None = None  # the staff member who handled the ticket by this event


@dataclass(frozen=True)
class ViewUpdate:
    """What to write: ``fields`` of the view, when each aspect written was last set, and
    the history entries by event id."""

    fields: Fields
    stamps: dict[str, datetime]
    entries: dict[str, Fields] = field(default_factory=dict)


def update_for(
    change: ViewChange, stamps: Mapping[str, datetime], current: Mapping[str, Any] | None = None
) -> ViewUpdate:
    """The newer aspect wins: ``change`` sets its facts always, and each of its aspects
    unless the view's ``stamps`` say a later event already set that aspect. Equal times
    apply, so a redelivered event writes what it wrote the first time.

    ``current`` is the view as stored (its ``handled_by``, ``assignee`` and ``status``):
    who handled the ticket and who of them it has moved on from follow from the view as
    this change leaves it, whatever order the events came in."""
    fields = {**change.facts, "tenant_id": change.tenant_id}
    applied: dict[str, datetime] = {}
    aspects = change.aspects | ({"updated": {"updated_at": change.at}} if change.touches else {})
    for aspect, values in aspects.items():
        last = stamps.get(aspect)
        if last is None or last <= change.at:
            fields |= values
            applied[aspect] = change.at
    if current is not None:
        fields |= handling(change, fields, current)
    entries = {change.entry["event_id"]: change.entry} if change.entry else {}
    return ViewUpdate(fields, applied, entries)


def handling(change: ViewChange, fields: Mapping[str, Any], current: Mapping[str, Any]) -> Fields:
    """``handled_by``: everyone who handled the ticket; ``done_by``: those of them it has
    moved on from (someone else has it now, or it is resolved or closed)."""
    handled = set(current.get("handled_by") or ())
    if change.handler is not None:
        handled.add(change.handler)
    if not handled:
        return {}
    assignee = fields.get("assignee", current.get("assignee"))
    status = fields.get("status", current.get("status"))
    holder = {assignee} if status in _HELD else set()
    return {"handled_by": sorted(handled), "done_by": sorted(handled - holder)}


def _change(event: EventEnvelope, facts: Fields | None = None, **aspects: Fields) -> ViewChange:
    status = getattr(event.payload, "status", None)
    if status is not None and "status" not in aspects:
        aspects["status"] = {"status": status.value}
    return ViewChange(
        event.ticket_id, event.tenant_id, event.occurred_at, facts or {}, aspects,
        history_entry(event), handler=_handler(event),
    )  # fmt: skip


def _handler(event: EventEnvelope) -> str | None:
    if event.event_type in HANDLING_EVENTS and event.actor.role in _STAFF_ROLES:
        return event.actor.id
    return None


# What the history leaves out of an event's payload: the submitter's contact details stay
# on the ticket (and out of every copy of its history).
_PRIVATE = {"contact", "location"}


def history_entry(event: EventEnvelope) -> Fields:
    """One line of the processing history: when, what, who, and what the event said."""
    return {
        "event_id": str(event.event_id),
        "at": event.occurred_at,
        "type": event.event_type,
        "producer": event.producer,
        "actor": {"id": event.actor.id, "role": event.actor.role},
        "details": event.payload.model_dump(mode="json", exclude=_PRIVATE),
    }


def history(entries: Mapping[str, Fields]) -> list[Fields]:
    """The history in time order; events at the same instant in event-id order."""
    return sorted(entries.values(), key=lambda e: (e["at"], e["event_id"]))


def detail(view: Mapping[str, Any], internal: bool = True) -> Fields:
    """A ticket as its detail page shows it: the view, its history in time order, and its
    attachments with the gateway URL each is downloaded (or previewed) from. Without
    ``internal`` (the customer's portal) the internal comments are left out."""
    fields = {k: v for k, v in view.items() if k != "timeline"}
    entries = [e for e in history(view.get("timeline", {})) if internal or not _internal(e)]
    return fields | {"history": entries, "attachments": _attachments(view, entries)}


def _internal(entry: Fields) -> bool:
    """Internal comments, and to whom the desk sent what."""
    if entry["type"] == "notification.status_changed":
        return True
    return entry["type"] == "ticket.commented" and entry["details"].get("visibility") == "internal"


def _attachments(view: Mapping[str, Any], entries: list[Fields]) -> list[Fields]:
    found = []
    for entry in entries:
        if entry["type"] != "attachment.added":
            continue
        file = entry["details"]
        url = f"/tickets/{view.get('ticket_id')}/attachments/{file['attachment_id']}"
        preview = file["content_type"].startswith("image/")
        found.append({**file, "url": url, "preview_url": url if preview else None})
    return found


def registered(event: TicketRegistered) -> ViewChange:
    p = event.payload
    contact = p.contact
    facts = {
        "number": p.number,
        "type": p.type.value,
        "subject": p.subject,
        "description": p.description,
        "source": p.source.value,
        "external_ref": p.external_ref,
        "registered_at": p.registered_at,
        "list_key": list_key(p.registered_at, event.ticket_id),
        "region": p.location.region if p.location else None,
        "address": p.location.address if p.location else None,
        "contact": contact.model_dump(mode="json") if contact else None,
        "urgency": p.urgency,
        "impact": p.impact,
        "needs_onsite": p.needs_onsite,
        "service": p.service,
        "account_id": p.account_id,
        "repeat_of": p.repeat_of,
        "related_to": p.related_to,
        "submitted_by": event.actor.id,
        "search": document_tokens(
            [p.number, p.external_ref, p.subject, p.description, *_contact_texts(p)]
        ),
        "customer_keys": customer_keys(p),
    }
    return _change(
        event,
        facts,
        priority={"priority": p.priority.value},
        severity={"severity": p.severity.value},
        # Tags are an aspect: later tag events win over a registration seen after them.
        tags={"tags": p.tags},
    )


def _contact_texts(p: Any) -> list[str | None]:
    contact = p.contact
    texts = [p.location.address if p.location else None]
    if contact is not None:
        texts += [getattr(contact, name, None) for name in ("name", "phone", "email")]
    return texts


def customer_keys(p: i.TicketRegisteredPayload) -> list[str]:
    """What finds a customer's tickets by the number an agent types (客户历史): the contact's
    phone in E.164, e-mail (case-folded), CRM contact id, and the account id (an account,
    broadband or service number). Kept off every history copy, like the contact."""
    contact = p.contact
    keys = [p.account_id]
    if contact is not None:
        keys += [_phone_key(contact.phone), contact.email, contact.contact_id]
    return sorted({customer_key(k) for k in keys if k and k.strip()})


def customer_key(number: str) -> str:
    """A typed number as the customer keys hold it: a phone (``+…``) in E.164 as intake
    normalises it, an e-mail case-folded, anything else trimmed as it is."""
    number = number.strip()
    if number.startswith("+"):
        return _phone_key(number) or number
    return number.casefold() if "@" in number else number


def _phone_key(phone: str | None) -> str | None:
    if phone is None:
        return None
    try:
        return e164(phone)
    except ValueError:  # recorded by an older version: kept as it was
        return phone.strip()


def list_key(registered_at: datetime, ticket_id: str) -> str:
    """The order of lists, newest first, as one string a cursor can continue from: the
    registration time in UTC to the microsecond, then the ticket id for equal times."""
    return f"{registered_at.astimezone(UTC):%Y-%m-%dT%H:%M:%S.%f}|{ticket_id}"


def assigned(event: TicketAssigned) -> ViewChange:
    p = event.payload
    return _change(event, assignment={"assignee": p.assignee, "group": p.group})


def accepted(event: d.TicketAccepted) -> ViewChange:
    appointment = event.payload.appointment
    facts = {"appointment": appointment.model_dump() if appointment else None}
    return _change(
        event,
        facts,
        major_alert={"major_alert": False},
        accepted={"accepted_at": event.occurred_at},
    )


def transferred(event: d.TicketTransferred) -> ViewChange:
    p = event.payload
    return _change(event, assignment={"assignee": p.to_assignee, "group": p.to_group})


def escalated(event: d.TicketEscalated) -> ViewChange:
    p = event.payload
    return _change(
        event,
        {"escalated": True},
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
    facts = {"resolution": resolution | {"overdue_reason": p.overdue_reason}}
    return _change(event, facts, resolved={"resolved_at": event.occurred_at})


def closed(event: d.TicketClosed) -> ViewChange:
    facts = {"closure_reason": event.payload.reason.value, "closed_at": event.occurred_at}
    return _change(event, facts)


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
    # One flag per metric, for the reports' compliance per metric. Quality control's
    # deadlines (inspection, appeal) do not make the ticket overdue: history only.
    metric = event.payload.metric
    if not metric.handles_the_ticket:
        return _change(event)
    return _change(event, {"overdue": True, f"breached_{metric.value}": True})


def watch_changed(event: d.TicketWatchChanged) -> ViewChange:
    return _change(event, watchers={"watchers": event.payload.watchers})


def tags_changed(event: d.TicketTagged | d.TicketUntagged) -> ViewChange:
    return _change(event, tags={"tags": event.payload.tags})


def inspection_created(event: q.InspectionCreated) -> ViewChange:
    return _change(event, qc={"qc": {"state": "open", "reason": event.payload.reason.value}})


def inspection_submitted(event: q.InspectionSubmitted) -> ViewChange:
    p = event.payload
    result = {"state": "submitted", "score": p.score, "passed": p.passed, "inspector": p.inspector}
    return _change(event, qc={"qc": result})


def visit_completed(event: q.ReturnVisitCompleted) -> ViewChange:
    p = event.payload
    return _change(event, {"satisfaction": p.satisfaction, "dissatisfied": p.dissatisfied})


def judged(event: q.ResponsibilityJudged) -> ViewChange:
    p = event.payload
    judgement = {"judgement_id": p.judgement_id, "unit": p.unit, "person": p.person,
                 "category": p.category}  # fmt: skip
    return _change(event, {"responsibility": judgement})


def appeal_filed(event: q.AppealFiled) -> ViewChange:
    return _change(event, {"appealed": True, "appeal_outcome": None})


def appeal_decided(event: q.AppealDecided) -> ViewChange:
    return _change(event, {"appeal_outcome": event.payload.decision.value})


def extension_approved(event: d.ExtensionApproved) -> ViewChange:
    # 延期: the resolution is due later; reports count the tickets that were extended.
    return _change(event, {"extended": True, "extended_until": event.payload.until})


def joined_cluster(event: d.TicketJoinedCluster) -> ViewChange:
    return _change(event, {"cluster_id": event.payload.cluster_id})


def parent_linked(event: d.ParentIncidentLinked) -> ViewChange:
    return _change(event, {"parent_id": event.payload.parent_id})


def parent_unlinked(event: d.ParentIncidentUnlinked) -> ViewChange:
    return _change(event, {"parent_id": None})


def tracking_set(event: d.TrackingSet) -> ViewChange:
    p = event.payload
    return _change(event, {"tracking": {"on": p.on.isoformat(), "by": p.tracked_by}})


def tracking_ended(event: d.TrackingClosed | d.TrackingConverted) -> ViewChange:
    return _change(event, {"tracking": None})


def notified(event: n.NotificationStatusChanged) -> ViewChange:
    """ "SMS to li.wei sent 10:02": one history line per status a delivery takes; the
    ticket itself did not change."""
    return ViewChange(event.ticket_id, event.tenant_id, event.occurred_at,
                      entry=history_entry(event), touches=False)  # fmt: skip


def quarantined(event: i.TicketQuarantined) -> ViewChange:
    return _change(event, status={"status": TicketStatus.QUARANTINED.value})


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
    i.TicketQuarantined: quarantined,
    i.AttachmentAdded: _change,
    d.TicketCommented: _change,
    d.TicketWatchChanged: watch_changed,
    d.TicketTagged: tags_changed,
    d.TicketUntagged: tags_changed,
    d.TicketShared: _change,
    d.ProblemCreated: _change,
    d.ChangeSubmitted: _change,
    s.SlaWarningIssued: _change,
    s.AutoCloseBecameDue: _change,
    q.InspectionCreated: inspection_created,
    q.InspectionSubmitted: inspection_submitted,
    q.ReturnVisitAttempted: _change,
    q.ReturnVisitCompleted: visit_completed,
    q.ReturnVisitAbandoned: _change,
    d.ClusterDetected: _change,
    d.TicketJoinedCluster: joined_cluster,
    d.ParentIncidentLinked: parent_linked,
    d.ParentIncidentUnlinked: parent_unlinked,
    d.ApprovalRequested: _change,
    d.TicketApproved: _change,
    d.ApprovalRejected: _change,
    d.ExtensionRequested: _change,
    d.ExtensionApproved: extension_approved,
    d.ExtensionRejected: _change,
    d.TrackingSet: tracking_set,
    d.TrackingClosed: tracking_ended,
    d.TrackingConverted: tracking_ended,
    q.ResponsibilityJudged: judged,
    q.AppealFiled: appeal_filed,
    q.AppealDecided: appeal_decided,
    n.NotificationStatusChanged: notified,
}


# What the live feed shows of a changed ticket: enough for a queue row and a banner.
_FEED_FIELDS = (
    "ticket_id", "number", "subject", "status", "priority", "severity", "assignee", "group",
    "region", "major_alert", "overdue", "urge_count", "updated_at", "cluster_id",
)  # fmt: skip


def feed_event(view: Mapping[str, Any] | None) -> tuple[str, Fields]:
    """The live feed's event for a changed ticket: ``major-incident`` while it is a major
    incident (severity major or a major alert raised), ``ticket`` otherwise; ``reload``
    when the feed could not resume where the client left it."""
    if view is None:
        return "reload", {"reason": "the feed cannot resume from Last-Event-ID"}
    major = view.get("severity") == "major" or view.get("major_alert") is True
    return ("major-incident" if major else "ticket"), {k: view.get(k) for k in _FEED_FIELDS}
