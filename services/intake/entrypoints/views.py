"""The JSON shape of a ticket in intake's HTTP answers."""

from datetime import datetime

from pydantic import BaseModel

from services.intake.domain.ticket import Ticket
from shared.events.submissions import Submission
from shared.events.vocabulary import Priority, TicketStatus


class TicketView(BaseModel):
    ticket_id: str
    number: str
    status: TicketStatus
    priority: Priority
    registered_at: datetime
    submission: Submission


def view(ticket: Ticket) -> TicketView:
    return TicketView(
        ticket_id=ticket.ticket_id,
        number=ticket.number,
        status=ticket.status,
        priority=ticket.priority,
        registered_at=ticket.registered_at,
        submission=ticket.submission,
    )
