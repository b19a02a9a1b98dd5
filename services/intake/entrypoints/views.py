"""The JSON shape of a ticket in intake's HTTP answers."""

from datetime import datetime

from pydantic import BaseModel

from services.intake.domain.drafts import Draft, DraftContent
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


class DraftView(BaseModel):
    draft_id: str
    tenant_id: str
    owner: str
    created_at: datetime
    updated_at: datetime
    content: DraftContent


def draft_view(draft: Draft) -> DraftView:
    return DraftView(
        draft_id=draft.draft_id,
        tenant_id=draft.tenant_id,
        owner=draft.owner,
        created_at=draft.created_at,
        updated_at=draft.updated_at,
        content=draft.content,
    )
