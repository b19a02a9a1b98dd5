"""A registered ticket as intake owns it: the submission, its number and priority."""

from dataclasses import dataclass, field
from datetime import datetime

from services.intake.domain.priority import priority_for
from shared.events import Actor, EventEnvelope, TicketRegistered, TicketRegisteredPayload
from shared.events.submissions import Submission
from shared.events.vocabulary import Priority, TicketStatus

PRODUCER = "intake"


@dataclass
class Ticket:
    ticket_id: str
    number: str
    submission: Submission
    priority: Priority
    status: TicketStatus
    registered_at: datetime
    events: list[EventEnvelope] = field(default_factory=list, compare=False)

    @property
    def tenant_id(self) -> str:
        return self.submission.tenant_id


def register(
    submission: Submission, ticket_id: str, number: str, now: datetime, actor: Actor
) -> Ticket:
    priority = priority_for(submission.urgency, submission.impact, submission.severity)
    ticket = Ticket(ticket_id, number, submission, priority, TicketStatus.NEW, now)
    ticket.events.append(
        TicketRegistered(
            occurred_at=now,
            producer=PRODUCER,
            tenant_id=submission.tenant_id,
            ticket_id=ticket_id,
            actor=actor,
            correlation_id=submission.external_ref,
            payload=_registration(ticket),
        )
    )
    return ticket


def _registration(ticket: Ticket) -> TicketRegisteredPayload:
    s = ticket.submission
    return TicketRegisteredPayload(
        **s.model_dump(exclude={"tenant_id"}),
        number=ticket.number,
        priority=ticket.priority,
        status=ticket.status,
        registered_at=ticket.registered_at,
    )
