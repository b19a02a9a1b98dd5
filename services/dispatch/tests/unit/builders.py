"""Work orders and actors for unit tests."""

from datetime import UTC, datetime

from services.dispatch.domain.work_order import WorkOrder
from shared.events import Actor
from shared.events.vocabulary import Priority, Severity, TicketStatus, TicketType

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ASSIGNEE = "li.wei"


def actor(role: str, actor_id: str = ASSIGNEE) -> Actor:
    return Actor(id=actor_id, role=role)


def order(status: TicketStatus = TicketStatus.NEW, **fields: object) -> WorkOrder:
    values: dict[str, object] = {
        "ticket_id": "t-1",
        "tenant_id": "acme",
        "number": "acme-1",
        "type": TicketType.INCIDENT,
        "priority": Priority.P3,
        "severity": Severity.NORMAL,
        "status": status,
        "subject": "宽带无法上网",
        "assignee": None if status in (TicketStatus.NEW, TicketStatus.QUARANTINED) else ASSIGNEE,
        "group": "noc",
    }
    values.update(fields)
    return WorkOrder(**values)  # type: ignore[arg-type]
