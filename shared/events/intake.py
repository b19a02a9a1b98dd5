"""Events published by the intake service on the intake events topic."""

from typing import Literal

from pydantic import AwareDatetime, Field

from shared.events.envelope import EventEnvelope, Frozen
from shared.events.submissions import Contact, Location
from shared.events.vocabulary import Channel, Priority, Severity, TicketStatus, TicketType


class TicketRegisteredPayload(Frozen):
    number: str
    source: Channel
    source_system: str | None = None
    external_ref: str
    type: TicketType
    subject: str
    description: str = ""
    contact: Contact | None = None
    account_id: str | None = None
    location: Location | None = None
    service: str | None = None
    urgency: int
    impact: int
    priority: Priority
    severity: Severity
    tags: list[str] = Field(default_factory=list)
    needs_onsite: bool = False
    status: TicketStatus
    registered_at: AwareDatetime


class TicketRegistered(EventEnvelope):
    topic_attr = "intake_events"
    event_type: Literal["ticket.registered"] = "ticket.registered"
    payload: TicketRegisteredPayload


class FieldError(Frozen):
    field: str
    reason: str


class SubmissionRejectedPayload(Frozen):
    source: str | None = None
    external_ref: str | None = None
    errors: list[FieldError]


class SubmissionRejected(EventEnvelope):
    topic_attr = "intake_events"
    event_type: Literal["submission.rejected"] = "submission.rejected"
    payload: SubmissionRejectedPayload
