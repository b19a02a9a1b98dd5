"""QC's request and response bodies."""

from datetime import datetime
from typing import Annotated, Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StrictBool

from services.qc.domain.cases import QcCase, QcPolicy, Verdict
from services.qc.domain.checklists import Checklist, ChecklistItem
from services.qc.domain.visits import Call
from shared.errors import NotFound
from shared.events.qc import InspectionOutcome, OverdueVerdict, VisitOutcome

Key = Annotated[str, Field(min_length=1, max_length=50, pattern=r"^[a-z0-9_]+$")]
Text = Annotated[str, Field(min_length=1, max_length=2000)]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class VerdictBody(Body):
    """Each checklist item met or not; an overdue ticket's overdue reason judged."""

    items: dict[Key, StrictBool] = Field(max_length=100)
    defects: list[Annotated[str, Field(min_length=1, max_length=200)]] = Field(
        default_factory=list, max_length=50
    )
    comment: Text | None = None
    overdue_verdict: OverdueVerdict | None = None
    overdue_note: Text | None = None

    def verdict(self) -> Verdict:
        return Verdict(
            dict(self.items), list(self.defects), self.comment, self.overdue_verdict,
            self.overdue_note,
        )  # fmt: skip


class ItemBody(Body):
    key: Key
    label: Annotated[str, Field(min_length=1, max_length=200)]
    weight: Annotated[int, Field(strict=True, ge=1, le=100)]
    critical: StrictBool = False


class PolicyBody(Body):
    sample_share: Annotated[float, Field(strict=True, ge=0, le=1)] = 0.2
    seed: Annotated[str, Field(min_length=1, max_length=100)] = "ticketflow"
    inspect_canceled: StrictBool = False
    pass_mark: Annotated[float, Field(strict=True, ge=0, le=100)] = 80.0
    items: list[ItemBody] = Field(min_length=1, max_length=50)

    def policy(self) -> QcPolicy:
        items = [ChecklistItem(i.key, i.label, i.weight, i.critical) for i in self.items]
        checklist = Checklist.of(items, self.pass_mark)
        return QcPolicy(self.sample_share, self.seed, self.inspect_canceled, checklist)

    @classmethod
    def of(cls, policy: QcPolicy) -> Self:
        return cls(
            sample_share=policy.sample_share, seed=policy.seed,
            inspect_canceled=policy.inspect_canceled, pass_mark=policy.checklist.pass_mark,
            items=[ItemBody(key=i.key, label=i.label, weight=i.weight, critical=i.critical)
                   for i in policy.checklist.items],
        )  # fmt: skip


class InspectionView(BaseModel):
    ticket_id: str
    tenant_id: str
    number: str | None
    state: str
    reason: str | None
    overdue: bool
    overdue_reason: str | None
    cause: str | None
    solution: str | None
    closed_at: datetime | None
    inspector: str | None
    outcome: InspectionOutcome | None
    returned: bool

    @classmethod
    def of(cls, case: QcCase) -> Self:
        reg, res = case.registration, case.resolution
        return cls(
            ticket_id=case.ticket_id, tenant_id=case.tenant_id,
            number=reg.number if reg else None,
            state=case.inspection.value if case.inspection else "none",
            reason=case.reason.value if case.reason else None, overdue=case.overdue,
            overdue_reason=res.overdue_reason if res else None,
            cause=res.cause if res else None, solution=res.solution if res else None,
            closed_at=case.closed_at, inspector=case.inspector, outcome=case.outcome,
            returned=case.returned,
        )  # fmt: skip


class CallBody(Body):
    """One return-visit call: reached (with satisfaction and answers), or not (with when to
    call again)."""

    outcome: VisitOutcome
    satisfaction: Annotated[int, Field(strict=True, ge=1, le=5)] | None = None
    answers: dict[Key, Annotated[str, Field(max_length=500)]] = Field(
        default_factory=dict, max_length=20
    )
    next_attempt_at: AwareDatetime | None = None

    def call(self) -> Call:
        return Call(self.outcome, self.satisfaction, dict(self.answers), self.next_attempt_at)


class FollowUpBody(Body):
    description: Annotated[str, Field(min_length=1, max_length=20_000)]


class VisitView(BaseModel):
    ticket_id: str
    tenant_id: str
    number: str | None
    state: str
    attempts: int
    next_attempt_at: datetime | None
    satisfaction: int | None
    followed_up_by: str | None

    @classmethod
    def of(cls, case: QcCase) -> Self:
        visit, reg = case.visit, case.registration
        if visit is None:
            raise NotFound(f"no return visit of ticket {case.ticket_id}")
        return cls(
            ticket_id=case.ticket_id, tenant_id=case.tenant_id,
            number=reg.number if reg else None, state=visit.state.value,
            attempts=visit.attempts, next_attempt_at=visit.next_attempt_at,
            satisfaction=visit.satisfaction, followed_up_by=visit.followed_up_by,
        )  # fmt: skip
