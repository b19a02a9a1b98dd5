"""The JSON shape of a ticket in intake's HTTP answers."""

from datetime import datetime

from pydantic import BaseModel

from services.intake.domain.ticket import Ticket
from shared.events.submissions import Submission
from shared.events.vocabulary import Priority, Severity, TicketStatus


class PriorityBasisView(BaseModel):
    urgency: int
    impact: int
    severity: Severity
    from_matrix: Priority
    raised_as_repeat: bool


class TicketView(BaseModel):
    ticket_id: str
    number: str
    status: TicketStatus
    priority: Priority
    priority_basis: PriorityBasisView
    registered_at: datetime
    repeat_of: str | None
    open: bool
    submission: Submission


def view(ticket: Ticket) -> TicketView:
    b = ticket.basis
    return TicketView(
        ticket_id=ticket.ticket_id,
        number=ticket.number,
        status=ticket.status,
        priority=ticket.priority,
        priority_basis=PriorityBasisView(
            urgency=b.urgency,
            impact=b.impact,
            severity=b.severity,
            from_matrix=b.from_matrix,
            raised_as_repeat=b.raised_as_repeat,
        ),
        registered_at=ticket.registered_at,
        repeat_of=ticket.repeat_of,
        open=ticket.open,
        submission=ticket.submission,
    )
