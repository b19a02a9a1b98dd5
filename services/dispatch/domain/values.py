"""Values a work order holds or hands out: resolution, history, linked records, follow-ups."""

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from shared.events.vocabulary import TicketStatus


@dataclass(frozen=True)
class Resolution:
    """回单."""

    cause: str
    solution: str
    closure_code: str
    overdue_reason: str | None = None


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    command: str
    from_status: TicketStatus
    to_status: TicketStatus
    actor_id: str
    actor_role: str
    reason: str | None = None


@dataclass(frozen=True)
class ProblemRecord:
    problem_id: str
    ticket_id: str
    tenant_id: str
    title: str
    description: str
    impact: str | None
    created_at: datetime
    created_by: str


Risk = Literal["low", "medium", "high"]


@dataclass(frozen=True)
class ChangeRecord:
    change_id: str
    ticket_id: str
    tenant_id: str
    title: str
    description: str
    risk: Risk
    planned_start: datetime
    planned_end: datetime
    rollback_plan: str
    created_at: datetime
    created_by: str


@dataclass(frozen=True)
class FollowUp:
    """A customer's reply to a closed ticket, to be registered as a new, linked ticket."""

    ticket_id: str
    message: str
    replied_by: str
