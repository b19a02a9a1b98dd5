"""Events published by the dispatch service on the dispatch events topic."""

from typing import Literal

from shared.events.envelope import EventEnvelope, Frozen
from shared.events.vocabulary import TicketStatus


class TicketAssignedPayload(Frozen):
    assignee: str
    group: str | None = None
    previous_assignee: str | None = None
    status: TicketStatus = TicketStatus.ASSIGNED
    reason: str


class TicketAssigned(EventEnvelope):
    topic_attr = "dispatch_events"
    event_type: Literal["ticket.assigned"] = "ticket.assigned"
    payload: TicketAssignedPayload
