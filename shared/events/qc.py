"""Quality inspection (质检) events on ``ticketflow.qc.events``, and the result returned to
the customer-service system (返单) on ``ticketflow.upstream.returns``."""

from datetime import datetime
from enum import StrEnum
from typing import ClassVar, Literal

from pydantic import AwareDatetime, Field

from shared.events.envelope import EventEnvelope, Frozen


class InspectionReason(StrEnum):
    OVERDUE = "overdue"  # every ticket that breached an SLA is inspected
    SAMPLE = "sample"  # drawn from the rest at the tenant's share


class InspectionState(StrEnum):
    OPEN = "open"
    CLAIMED = "claimed"
    SUBMITTED = "submitted"


class OverdueVerdict(StrEnum):
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class _Inspected(EventEnvelope):
    topic_attr: ClassVar[str] = "qc_events"
    producer: str = "qc"


class InspectionCreatedPayload(Frozen):
    reason: InspectionReason
    overdue: bool


class InspectionCreated(_Inspected):
    event_type: Literal["qc.inspection_created"] = "qc.inspection_created"
    payload: InspectionCreatedPayload


class InspectionSubmittedPayload(Frozen):
    inspector: str
    score: float = Field(ge=0, le=100)
    passed: bool
    failed_items: list[str]
    defects: list[str]
    comment: str | None = None
    overdue_verdict: OverdueVerdict | None = None
    overdue_note: str | None = None


class InspectionSubmitted(_Inspected):
    event_type: Literal["qc.inspection_submitted"] = "qc.inspection_submitted"
    payload: InspectionSubmittedPayload


class InspectionOutcome(Frozen):
    passed: bool
    score: float
    inspector: str
    inspected_at: AwareDatetime
    overdue_verdict: OverdueVerdict | None = None


class TicketReturned(Frozen):
    """返单: a closed ticket's result for the system it came from, on
    ``ticketflow.upstream.returns`` keyed by ticket id. Sent once per ticket: when its
    inspection is submitted, or when it closes if it is not inspected.

    Schema version 1. Consumers match on ``source`` / ``source_system`` and
    ``external_ref`` (what they sent); ``return_id`` is unique per return (deduplicate on it).
    """

    schema_version: Literal[1] = 1
    return_id: str
    tenant_id: str
    ticket_id: str
    number: str
    source: str
    source_system: str | None
    external_ref: str
    status: str
    closure_reason: str
    cause: str | None
    solution: str | None
    closure_code: str | None
    overdue: bool
    overdue_reason: str | None
    registered_at: datetime
    resolved_at: datetime | None
    closed_at: datetime
    inspection: InspectionOutcome | None


class VisitOutcome(StrEnum):
    """How a return-visit call (回访) went; only ``reached`` completes the visit."""

    REACHED = "reached"
    NO_ANSWER = "no_answer"
    BUSY = "busy"
    WRONG_NUMBER = "wrong_number"
    REFUSED = "refused"


class ReturnVisitAttemptedPayload(Frozen):
    attempt: int = Field(ge=1)
    outcome: VisitOutcome
    next_attempt_at: AwareDatetime


class ReturnVisitAttempted(_Inspected):
    event_type: Literal["qc.return_visit_attempted"] = "qc.return_visit_attempted"
    payload: ReturnVisitAttemptedPayload


class ReturnVisitCompletedPayload(Frozen):
    attempt: int = Field(ge=1)
    satisfaction: int = Field(ge=1, le=5)
    answers: dict[str, str]
    dissatisfied: bool


class ReturnVisitCompleted(_Inspected):
    event_type: Literal["qc.return_visit_completed"] = "qc.return_visit_completed"
    payload: ReturnVisitCompletedPayload


class ReturnVisitAbandonedPayload(Frozen):
    attempts: int = Field(ge=1)
    last_outcome: VisitOutcome


class ReturnVisitAbandoned(_Inspected):
    event_type: Literal["qc.return_visit_abandoned"] = "qc.return_visit_abandoned"
    payload: ReturnVisitAbandonedPayload


class ResponsibilityJudgedPayload(Frozen):
    """判责: who is responsible for a complaint. A new judgement of the same ticket (after
    an appeal reassigned it) replaces the previous one and opens its own appeal window."""

    judgement_id: str = Field(min_length=1, max_length=64)
    judge: str
    unit: str = Field(min_length=1, max_length=100)  # the organisation unit judged
    station: str | None = Field(default=None, max_length=100)
    person: str | None = Field(default=None, max_length=100)
    category: str = Field(min_length=1, max_length=100)
    text: str = Field(min_length=1, max_length=4000)
    appealable: bool = True


class ResponsibilityJudged(_Inspected):
    event_type: Literal["qc.responsibility_judged"] = "qc.responsibility_judged"
    payload: ResponsibilityJudgedPayload


class AppealFiledPayload(Frozen):
    """申诉: the judged unit's appeal, its text filled in from a template of the library."""

    judgement_id: str
    appellant: str
    unit: str
    reason_category: str
    template_id: str | None = None
    fields: dict[str, str] = Field(default_factory=dict)
    text: str = Field(min_length=1, max_length=4000)


class AppealFiled(_Inspected):
    event_type: Literal["qc.appeal_filed"] = "qc.appeal_filed"
    payload: AppealFiledPayload


class AppealDecision(StrEnum):
    UPHELD = "upheld"  # the judgement stands
    NO_RESPONSIBILITY = "no_responsibility"  # 改判: nobody is responsible
    REASSIGNED = "reassigned"  # 改判: another unit is; a new judgement follows


class AppealDecidedPayload(Frozen):
    judgement_id: str
    reviewer: str
    decision: AppealDecision
    reason: str = Field(min_length=1, max_length=4000)
    new_unit: str | None = None
    new_person: str | None = None


class AppealDecided(_Inspected):
    event_type: Literal["qc.appeal_decided"] = "qc.appeal_decided"
    payload: AppealDecidedPayload


QC_EVENTS: tuple[type[EventEnvelope], ...] = (
    InspectionCreated, InspectionSubmitted, ReturnVisitAttempted, ReturnVisitCompleted,
    ReturnVisitAbandoned, ResponsibilityJudged, AppealFiled, AppealDecided,
)  # fmt: skip
