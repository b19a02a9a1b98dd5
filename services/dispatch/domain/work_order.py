"""A ticket's workflow state as dispatch owns it."""

from dataclasses import dataclass, field
from datetime import datetime

from shared.errors import Conflict
from shared.events import (
    Actor,
    EventEnvelope,
    TicketAssigned,
    TicketAssignedPayload,
    TicketRegistered,
)
from shared.events.vocabulary import Priority, Severity, TicketStatus, TicketType

PRODUCER = "dispatch"

ASSIGNABLE = frozenset({TicketStatus.NEW})


class IllegalTransition(Conflict):
    pass


@dataclass
class WorkOrder:
    ticket_id: str
    tenant_id: str
    number: str
    type: TicketType
    priority: Priority
    severity: Severity
    status: TicketStatus
    assignee: str | None = None
    group: str | None = None
    version: int = 0
    events: list[EventEnvelope] = field(default_factory=list, compare=False)

    @classmethod
    def open(cls, registered: TicketRegistered) -> "WorkOrder":
        p = registered.payload
        return cls(
            ticket_id=registered.ticket_id,
            tenant_id=registered.tenant_id,
            number=p.number,
            type=p.type,
            priority=p.priority,
            severity=p.severity,
            status=p.status,
        )

    def assign(
        self, assignee: str, group: str | None, reason: str, actor: Actor, now: datetime
    ) -> None:
        if self.status not in ASSIGNABLE:
            raise IllegalTransition(
                f"cannot assign a ticket in status {self.status.value}", allowed=()
            )
        previous = self.assignee
        self.status, self.assignee, self.group = TicketStatus.ASSIGNED, assignee, group
        self.events.append(
            TicketAssigned(
                occurred_at=now,
                producer=PRODUCER,
                tenant_id=self.tenant_id,
                ticket_id=self.ticket_id,
                actor=actor,
                payload=TicketAssignedPayload(
                    assignee=assignee, group=group, previous_assignee=previous, reason=reason
                ),
            )
        )
