"""A WorkOrder as a MongoDB document and back."""

from dataclasses import asdict
from typing import Any

from services.dispatch.domain.values import HistoryEntry, Resolution
from services.dispatch.domain.work_order import WorkOrder
from shared.events.dispatch import Appointment, SupportLine
from shared.events.submissions import RecordedContact
from shared.events.vocabulary import Channel, Priority, Severity, TicketStatus, TicketType

Document = dict[str, Any]
# Stored as they are (strings, numbers, lists of strings, datetimes, booleans).
PLAIN = (
    "tenant_id", "number", "subject", "account_id", "service", "region", "lon", "lat", "tags",
    "needs_onsite", "assignee", "group", "watchers", "shared_with", "urge_count",
    "last_urged_at", "overdue", "major_alert", "problems", "changes", "related_to", "version",
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
    return doc


def from_document(doc: Document) -> WorkOrder:
    fields: dict[str, Any] = {name: doc.get(name) for name in PLAIN}
    fields |= {name: kind(doc[name]) for name, kind in ENUMS.items()}
    fields["contact"] = RecordedContact(**doc["contact"]) if doc.get("contact") else None
    fields["appointment"] = Appointment(**doc["appointment"]) if doc.get("appointment") else None
    fields["resolution"] = Resolution(**doc["resolution"]) if doc.get("resolution") else None
    fields["history"] = [_entry(h) for h in doc.get("history", [])]
    return WorkOrder(ticket_id=doc["_id"], **fields)


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
