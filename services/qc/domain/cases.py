"""One closed ticket's way through quality inspection (质检) back to the system it came
from (返单).

A case gathers what the ticket's events say, in whatever order they arrive (registration,
resolution and closure come on two topics, an SLA breach on a third). Once it knows the
ticket is closed and registered it decides, once: inspect it (every overdue ticket, and a
sample of the rest), or return it upstream at once. An inspection is claimed by an
inspector and submitted with a score; submitting returns the ticket upstream with the
result. Nothing is returned twice.
"""

from dataclasses import dataclass, field
from datetime import datetime

from services.qc.domain.checklists import Checklist, default_checklist, misjudged, score
from services.qc.domain.judgements import JUDGES, Appeal, Judgement, Judging, Review, Unit
from services.qc.domain.sampling import sampled
from services.qc.domain.visits import Call, ReturnVisit, VisitPolicy
from shared.errors import Conflict, Forbidden, InvalidFields, NotFound
from shared.events import Actor, EventEnvelope
from shared.events.dispatch import ClosureReason
from shared.events.qc import (
    AppealDecided,
    AppealDecision,
    AppealFiled,
    InspectionCreated,
    InspectionCreatedPayload,
    InspectionOutcome,
    InspectionReason,
    InspectionState,
    InspectionSubmitted,
    InspectionSubmittedPayload,
    OverdueVerdict,
    ResponsibilityJudged,
    ReturnVisitAbandoned,
    ReturnVisitAbandonedPayload,
    ReturnVisitAttempted,
    ReturnVisitAttemptedPayload,
    ReturnVisitCompleted,
    ReturnVisitCompletedPayload,
    TicketReturned,
)

INSPECTORS = frozenset({"inspector", "supervisor", "admin"})
VISITORS = frozenset({"agent", "inspector", "supervisor", "admin"})
_VISIT_EVENTS: dict[type, type[EventEnvelope]] = {
    ReturnVisitAttemptedPayload: ReturnVisitAttempted,
    ReturnVisitCompletedPayload: ReturnVisitCompleted,
    ReturnVisitAbandonedPayload: ReturnVisitAbandoned,
}


@dataclass(frozen=True)
class Registration:
    number: str
    source: str
    source_system: str | None
    external_ref: str
    registered_at: datetime
    type: str = "incident"
    # Who to reach and about what, for a follow-up ticket after a dissatisfied visit.
    subject: str = ""
    contact: dict[str, str | None] | None = None
    account_id: str | None = None
    service: str | None = None


@dataclass(frozen=True)
class Resolution:
    cause: str
    solution: str
    closure_code: str
    overdue_reason: str | None
    resolved_at: datetime


@dataclass(frozen=True)
class QcPolicy:
    """A tenant's rules: the share of non-overdue tickets inspected, the seed of the draw,
    whether canceled tickets are inspected, and the checklist."""

    sample_share: float = 0.2
    seed: str = "ticketflow"
    inspect_canceled: bool = False
    checklist: Checklist = field(default_factory=default_checklist)
    visits: VisitPolicy = field(default_factory=VisitPolicy)


@dataclass(frozen=True)
class Verdict:
    """What an inspector submits."""

    met: dict[str, bool]
    defects: list[str] = field(default_factory=list)
    comment: str | None = None
    overdue_verdict: OverdueVerdict | None = None
    overdue_note: str | None = None


@dataclass
class QcCase:
    ticket_id: str
    tenant_id: str
    registration: Registration | None = None
    resolution: Resolution | None = None
    breached: bool = False
    closed_at: datetime | None = None
    closure_reason: ClosureReason | None = None
    decided: bool = False
    inspection: InspectionState | None = None
    reason: InspectionReason | None = None
    inspector: str | None = None
    outcome: InspectionOutcome | None = None
    returned: bool = False
    visit: ReturnVisit | None = None
    judgements: list[Judgement] = field(default_factory=list)  # the last one stands
    version: int = 0
    events: list[EventEnvelope] = field(default_factory=list)
    returns: list[TicketReturned] = field(default_factory=list)

    @property
    def overdue(self) -> bool:
        # Dispatch asks for an overdue reason once it saw a breach: either tells.
        return self.breached or bool(self.resolution and self.resolution.overdue_reason)

    def advance(self, policy: QcPolicy, now: datetime) -> None:
        """Decide, once the ticket is closed and registered: inspect it, or return it."""
        if self.decided or self.closed_at is None or self.registration is None:
            return
        self.decided = True
        self._plan_visit(policy.visits)
        self.reason = self._inspection_reason(policy)
        if self.reason is None:
            self._return()
            return
        self.inspection = InspectionState.OPEN
        payload = InspectionCreatedPayload(reason=self.reason, overdue=self.overdue)
        self._record(InspectionCreated, payload, now)

    def _plan_visit(self, policy: VisitPolicy) -> None:
        assert self.registration is not None
        canceled = self.closure_reason is ClosureReason.CANCELED
        if self.registration.type in policy.ticket_types and not canceled:
            self.visit = ReturnVisit()

    def call(self, operator: Actor, call: Call, policy: QcPolicy, now: datetime) -> None:
        """One return-visit call (回访) by an operator."""
        if operator.role not in VISITORS:
            raise Forbidden(f"role {operator.role!r} may not make return visits", VISITORS)
        if self.visit is None:
            raise NotFound(f"no return visit of ticket {self.ticket_id}")
        payload = self.visit.record(call, policy.visits, now)
        self._record(_VISIT_EVENTS[type(payload)], payload, now, operator)

    @property
    def judgement(self) -> Judgement | None:
        return self.judgements[-1] if self.judgements else None

    def judge(self, judge: Actor, judging: Judging, now: datetime) -> None:
        """判责: who is responsible for this complaint."""
        if judge.role not in JUDGES:
            raise Forbidden(f"role {judge.role!r} may not judge responsibility", JUDGES)
        if self.registration is None or self.registration.type != "complaint":
            raise Conflict(f"ticket {self.ticket_id} is not a registered complaint", [])
        if self.judgement is not None:
            raise Conflict(
                f"ticket {self.ticket_id} is judged already ({self.judgement.state.value})",
                self.judgement.allowed(),
            )
        self._judged(judge, judging, now)

    def _judged(self, judge: Actor, judging: Judging, now: datetime) -> None:
        judgement_id = f"{self.ticket_id}:j{len(self.judgements) + 1}"
        self.judgements.append(Judgement.of(judgement_id, judge, judging, now))
        self._record(ResponsibilityJudged, self.judgements[-1].judged(), now, judge)

    def appeal(self, appellant: Actor, unit: Unit, appeal: Appeal, now: datetime) -> None:
        """申诉 by a member of the judged unit, once per judgement."""
        payload = self._standing().file(appellant, unit, appeal)
        self._record(AppealFiled, payload, now, appellant)

    def decide(self, reviewer: Actor, review: Review, now: datetime) -> None:
        current = self._standing()
        payload = current.decide(reviewer, review, now)
        self._record(AppealDecided, payload, now, reviewer)
        if review.decision is AppealDecision.REASSIGNED:
            assert review.new_unit is not None
            judging = Judging(review.new_unit, current.category, review.reason,
                              person=review.new_person)  # fmt: skip
            self._judged(reviewer, judging, now)

    def close_appeal_window(self, due_at: datetime) -> None:
        if self.judgement is not None:
            self.judgement.close_window(due_at)

    def _standing(self) -> Judgement:
        if self.judgement is None:
            raise NotFound(f"ticket {self.ticket_id} has no judgement of responsibility")
        return self.judgement

    def _inspection_reason(self, policy: QcPolicy) -> InspectionReason | None:
        if self.closure_reason is ClosureReason.CANCELED and not policy.inspect_canceled:
            return None
        if self.overdue:
            return InspectionReason.OVERDUE
        if sampled(self.tenant_id, self.ticket_id, policy.sample_share, policy.seed):
            return InspectionReason.SAMPLE
        return None

    def claim(self, inspector: Actor) -> None:
        _require_inspector(inspector)
        if self.inspection is InspectionState.CLAIMED and self.inspector == inspector.id:
            return
        if self.inspection is not InspectionState.OPEN:
            raise Conflict(f"the inspection is {self._state()}", self._allowed())
        self.inspection, self.inspector = InspectionState.CLAIMED, inspector.id

    def submit(self, inspector: Actor, verdict: Verdict, policy: QcPolicy, now: datetime) -> None:
        _require_inspector(inspector)
        if self.inspection not in (InspectionState.OPEN, InspectionState.CLAIMED):
            raise Conflict(f"the inspection is {self._state()}", self._allowed())
        if self.inspection is InspectionState.CLAIMED and self.inspector != inspector.id:
            raise Forbidden(f"the inspection is claimed by {self.inspector}", sorted(INSPECTORS))
        errors = misjudged(policy.checklist, verdict.met) | self._overdue_problems(verdict)
        if errors:
            raise InvalidFields(errors)
        result = score(policy.checklist, verdict.met)
        self.inspection, self.inspector = InspectionState.SUBMITTED, inspector.id
        self.outcome = InspectionOutcome(
            passed=result.passed, score=result.score, inspector=inspector.id,
            inspected_at=now, overdue_verdict=verdict.overdue_verdict,
        )  # fmt: skip
        payload = InspectionSubmittedPayload(
            inspector=inspector.id, score=result.score, passed=result.passed,
            failed_items=result.failed_items, defects=verdict.defects, comment=verdict.comment,
            overdue_verdict=verdict.overdue_verdict, overdue_note=verdict.overdue_note,
        )  # fmt: skip
        self._record(InspectionSubmitted, payload, now, inspector)
        self._return()

    def _overdue_problems(self, verdict: Verdict) -> dict[str, str]:
        if self.overdue and verdict.overdue_verdict is None:
            return {"overdue_verdict": "the ticket was overdue: judge its reason"}
        if not self.overdue and verdict.overdue_verdict is not None:
            return {"overdue_verdict": "only an overdue ticket's reason is judged"}
        if verdict.overdue_verdict is OverdueVerdict.REJECTED and not verdict.overdue_note:
            return {"overdue_note": "say why the overdue reason is rejected"}
        return {}

    def _state(self) -> str:
        return self.inspection.value if self.inspection else "not open"

    def _allowed(self) -> list[str]:
        return {
            InspectionState.OPEN: ["claim", "submit"], InspectionState.CLAIMED: ["submit"],
        }.get(self.inspection, []) if self.inspection else []  # fmt: skip

    def _return(self) -> None:
        if self.returned:
            return
        self.returned = True
        self.returns.append(ticket_returned(self))

    def _record(
        self, kind: type[EventEnvelope], payload: object, now: datetime, actor: Actor | None = None
    ) -> None:
        extra = {"actor": actor} if actor else {}
        self.events.append(kind(
            occurred_at=now, tenant_id=self.tenant_id, ticket_id=self.ticket_id,
            payload=payload, **extra,
        ))  # fmt: skip


def _require_inspector(actor: Actor) -> None:
    if actor.role not in INSPECTORS:
        raise Forbidden(f"role {actor.role!r} may not inspect", sorted(INSPECTORS))


def ticket_returned(case: QcCase) -> TicketReturned:
    """The result for upstream; only for a case that is decided (closed and registered)."""
    reg, res = case.registration, case.resolution
    assert reg is not None
    assert case.closed_at is not None
    assert case.closure_reason is not None
    return TicketReturned(
        return_id=f"{case.ticket_id}:return", tenant_id=case.tenant_id,
        ticket_id=case.ticket_id, number=reg.number, source=reg.source,
        source_system=reg.source_system, external_ref=reg.external_ref, status="closed",
        closure_reason=case.closure_reason.value,
        cause=res.cause if res else None, solution=res.solution if res else None,
        closure_code=res.closure_code if res else None, overdue=case.overdue,
        overdue_reason=res.overdue_reason if res else None,
        registered_at=reg.registered_at, resolved_at=res.resolved_at if res else None,
        closed_at=case.closed_at, inspection=case.outcome,
    )  # fmt: skip
