"""How each event changes the gateway's ticket read model.

Events of one ticket come from several topics, so they may arrive out of order: the
fields that later events overwrite (status, assignee) are applied only when the event is
newer than the one that last set them; the rest are facts that never change.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from shared.events import TicketAssigned, TicketRegistered


@dataclass(frozen=True)
class ViewChange:
    ticket_id: str
    tenant_id: str
    at: datetime
    facts: dict[str, Any] = field(default_factory=dict)
    latest: dict[str, Any] = field(default_factory=dict)


def registered(event: TicketRegistered) -> ViewChange:
    p = event.payload
    return ViewChange(
        ticket_id=event.ticket_id,
        tenant_id=event.tenant_id,
        at=event.occurred_at,
        facts={
            "number": p.number,
            "type": p.type.value,
            "subject": p.subject,
            "source": p.source.value,
            "external_ref": p.external_ref,
            "priority": p.priority.value,
            "severity": p.severity.value,
            "registered_at": p.registered_at,
            "tags": p.tags,
        },
        latest={"status": p.status.value},
    )


def assigned(event: TicketAssigned) -> ViewChange:
    p = event.payload
    return ViewChange(
        ticket_id=event.ticket_id,
        tenant_id=event.tenant_id,
        at=event.occurred_at,
        latest={"status": p.status.value, "assignee": p.assignee, "group": p.group},
    )
