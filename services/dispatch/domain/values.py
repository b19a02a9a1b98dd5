"""Values a work order holds or hands out: resolution, history, linked records, follow-ups."""

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Literal

from shared.events.dispatch import ApproverStep
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
    """A new, linked ticket to register upstream: a customer's reply to a closed ticket,
    or a tracked ticket turned into a new one (``external_ref`` then set by the domain)."""

    ticket_id: str
    message: str
    replied_by: str
    external_ref: str | None = None
    subject_prefix: str = "Re"


@dataclass(frozen=True)
class FollowUpPlan:
    """跟踪工单: look at the ticket again on ``on``."""

    on: date
    note: str | None = None


@dataclass(frozen=True)
class Approval:
    """A proposed resolution waiting for its chain; ``step`` is the index waiting now."""

    rule_id: str
    chain: tuple[ApproverStep, ...]
    resolution: Resolution
    requested_by: str
    requested_at: datetime
    step: int = 0
    follow_up: FollowUpPlan | None = None

    @property
    def current(self) -> ApproverStep:
        return self.chain[self.step]

    @property
    def last_step(self) -> bool:
        return self.step == len(self.chain) - 1


class ExtensionState(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"  # the ticket was resolved or canceled before a decision


@dataclass(frozen=True)
class Extension:
    """延期申请: the handler asks for the resolution target to move to ``until``."""

    extension_id: str
    until: datetime
    reason: str
    requested_by: str
    requested_at: datetime
    state: ExtensionState = ExtensionState.PENDING
    decided_by: str | None = None
    decided_at: datetime | None = None
    decision_note: str | None = None


class TrackingState(StrEnum):
    ACTIVE = "active"
    CLOSED = "closed"
    CONVERTED = "converted"  # turned into a new, linked ticket


@dataclass(frozen=True)
class Tracking:
    on: date
    note: str | None
    tracked_by: str
    set_at: datetime
    state: TrackingState = TrackingState.ACTIVE
    ended_by: str | None = None
    ended_at: datetime | None = None
    external_ref: str | None = None  # of the new ticket, once converted
