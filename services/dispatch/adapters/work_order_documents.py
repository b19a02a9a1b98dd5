"""A WorkOrder as a MongoDB document and back."""

from dataclasses import asdict
from datetime import date
from typing import Any

from services.dispatch.domain.values import (
    Approval,
    Extension,
    ExtensionState,
    FollowUpPlan,
    HistoryEntry,
    Resolution,
    Tracking,
    TrackingState,
)
from services.dispatch.domain.work_order import WorkOrder
from shared.events.dispatch import Appointment, ApproverStep, SupportLine
from shared.events.submissions import RecordedContact
from shared.events.vocabulary import Channel, Priority, Severity, TicketStatus, TicketType

Document = dict[str, Any]
# Stored as they are (strings, numbers, lists of strings, datetimes, booleans).
PLAIN = (
    "tenant_id", "number", "subject", "account_id", "service", "region", "lon", "lat", "tags",
    "needs_onsite", "assignee", "group", "watchers", "shared_with", "urge_count",
    "last_urged_at", "overdue", "major_alert", "problems", "changes", "related_to", "version",
    "parent_id",
)  # fmt: skip
ENUMS = {
    "type": TicketType,
    "priority": Priority,
    "severity": Severity,
    "status": TicketStatus,
    "source": Channel,
    "support_line": SupportLine,
}


def to_document(order: WorkOrder) -> Document:
    doc: Document = {"_id": order.ticket_id}
    doc |= {name: getattr(order, name) for name in PLAIN}
    doc |= {name: getattr(order, name).value for name in ENUMS}
    doc["contact"] = order.contact.model_dump() if order.contact else None
    doc["appointment"] = order.appointment.model_dump() if order.appointment else None
    doc["resolution"] = asdict(order.resolution) if order.resolution else None
    doc["history"] = [_step(h) for h in order.history]
    doc["approval"] = _approval(order.approval) if order.approval else None
    doc["extensions"] = [asdict(e) | {"state": e.state.value} for e in order.extensions]
    doc["tracking"] = _tracking(order.tracking) if order.tracking else None
    return doc


def from_document(doc: Document) -> WorkOrder:
    fields: dict[str, Any] = {name: doc.get(name) for name in PLAIN}
    fields |= {name: kind(doc[name]) for name, kind in ENUMS.items()}
    fields["contact"] = RecordedContact(**doc["contact"]) if doc.get("contact") else None
    fields["appointment"] = Appointment(**doc["appointment"]) if doc.get("appointment") else None
    fields["resolution"] = Resolution(**doc["resolution"]) if doc.get("resolution") else None
    fields["history"] = [_entry(h) for h in doc.get("history", [])]
    # work orders stored before approvals, extensions and tracking have none of them
    fields["approval"] = _approval_from(doc["approval"]) if doc.get("approval") else None
    fields["extensions"] = [
        Extension(**(e | {"state": ExtensionState(e["state"])})) for e in doc.get("extensions", [])
    ]
    fields["tracking"] = _tracking_from(doc["tracking"]) if doc.get("tracking") else None
    return WorkOrder(ticket_id=doc["_id"], **fields)


def _approval(approval: Approval) -> Document:
    """With the waiting step spelled out, for the approvers' queue query."""
    plan = approval.follow_up
    return {
        "rule_id": approval.rule_id,
        "chain": [s.model_dump() for s in approval.chain],
        "resolution": asdict(approval.resolution),
        "requested_by": approval.requested_by,
        "requested_at": approval.requested_at,
        "step": approval.step,
        "follow_up": {"on": plan.on.isoformat(), "note": plan.note} if plan else None,
        "awaiting_role": approval.current.role,
        "awaiting_user": approval.current.user,
    }


def _approval_from(doc: Document) -> Approval:
    plan = doc.get("follow_up")
    return Approval(
        rule_id=doc["rule_id"],
        chain=tuple(ApproverStep(**s) for s in doc["chain"]),
        resolution=Resolution(**doc["resolution"]),
        requested_by=doc["requested_by"],
        requested_at=doc["requested_at"],
        step=doc["step"],
        follow_up=FollowUpPlan(date.fromisoformat(plan["on"]), plan["note"]) if plan else None,
    )


def _tracking(tracking: Tracking) -> Document:
    """The date as ISO text: it sorts and compares as the date does."""
    return asdict(tracking) | {"on": tracking.on.isoformat(), "state": tracking.state.value}


def _tracking_from(doc: Document) -> Tracking:
    return Tracking(
        **(doc | {"on": date.fromisoformat(doc["on"]), "state": TrackingState(doc["state"])})
    )


def _step(entry: HistoryEntry) -> Document:
    return asdict(entry) | {
        "from_status": entry.from_status.value,
        "to_status": entry.to_status.value,
    }


def _entry(doc: Document) -> HistoryEntry:
    return HistoryEntry(
        at=doc["at"],
        command=doc["command"],
        from_status=TicketStatus(doc["from_status"]),
        to_status=TicketStatus(doc["to_status"]),
        actor_id=doc["actor_id"],
        actor_role=doc["actor_role"],
        reason=doc.get("reason"),
    )
