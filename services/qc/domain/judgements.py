"""Responsibility judgement (判责) and appeals (申诉).

A supervisor judges who is responsible for a complaint: a unit of the tenant, and
optionally its station and person. While the appeal window is open (N working days, an
SLA metric: the SLA service says when it closed), a member of the judged unit may appeal
once, with a reason from the template library. A reviewer upholds the judgement, or
overturns it (改判) to "no responsibility" or to another unit; a reassignment is a new
judgement of that unit, with a window of its own.
"""

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from services.qc.domain.appeal_templates import OTHER, Library
from shared.errors import Conflict, Forbidden, InvalidFields, NotFound
from shared.events import Actor
from shared.events.qc import (
    AppealDecidedPayload,
    AppealDecision,
    AppealFiledPayload,
    ResponsibilityJudgedPayload,
)

JUDGES = frozenset({"supervisor", "admin"})
REVIEWERS = frozenset({"supervisor", "admin"})


class JudgementState(StrEnum):
    STANDING = "standing"  # judged; appealable while the window is open
    FINAL = "final"  # not appealable, or its window closed without an appeal
    APPEALED = "appealed"  # waiting for the reviewer
    UPHELD = "upheld"
    NO_RESPONSIBILITY = "no_responsibility"
    REASSIGNED = "reassigned"  # replaced by the judgement of another unit


_DECIDED = {
    AppealDecision.UPHELD: JudgementState.UPHELD,
    AppealDecision.NO_RESPONSIBILITY: JudgementState.NO_RESPONSIBILITY,
    AppealDecision.REASSIGNED: JudgementState.REASSIGNED,
}


@dataclass(frozen=True)
class Unit:
    """A unit of the tenant that can be judged responsible, and who speaks for it."""

    unit_id: str
    name: str
    members: frozenset[str]


@dataclass(frozen=True)
class Judging:
    """What a supervisor decides."""

    unit: Unit
    category: str
    text: str
    station: str | None = None
    person: str | None = None
    appealable: bool = True


@dataclass(frozen=True)
class Appeal:
    appellant: str
    filed_at: datetime
    reason_category: str
    template_id: str | None
    fields: dict[str, str]
    text: str


@dataclass(frozen=True)
class AppealChoice:
    """What an appellant picks: a template and its fields, or a category and own text."""

    template_id: str | None = None
    category: str | None = None
    fields: dict[str, str] = field(default_factory=dict)
    text: str | None = None
    language: str = "zh-CN"


def compose_appeal(appellant: Actor, choice: AppealChoice, lib: Library, now: datetime) -> Appeal:
    if choice.template_id is None:
        return _own_words(appellant, choice, lib, now)
    try:
        template = lib.get(choice.template_id)
    except NotFound as error:
        raise InvalidFields({"template_id": error.message}) from None
    if choice.category not in (None, template.category):
        raise InvalidFields({"category": f"template {template.template_id!r} is of category "
                             f"{template.category!r}"})  # fmt: skip
    if choice.text is not None:
        raise InvalidFields({"text": "a template's text is filled from its fields"})
    text = template.fill(choice.language, choice.fields)
    return Appeal(appellant.id, now, template.category, template.template_id,
                  dict(choice.fields), text)  # fmt: skip


def _own_words(appellant: Actor, choice: AppealChoice, lib: Library, now: datetime) -> Appeal:
    errors = {}
    if choice.category not in (*lib.category_ids(), OTHER):
        errors["category"] = "pick a category of the library (or other) or a template_id"
    if not (choice.text or "").strip():
        errors["text"] = "an appeal without a template says why in its own words"
    if choice.fields:
        errors["fields"] = "fields fill a template: give template_id"
    if errors:
        raise InvalidFields(errors)
    assert choice.category is not None
    assert choice.text is not None
    return Appeal(appellant.id, now, choice.category, None, {}, choice.text.strip())


@dataclass(frozen=True)
class Review:
    """What a reviewer decides; ``new_unit`` only when reassigning."""

    decision: AppealDecision
    reason: str
    new_unit: Unit | None = None
    new_person: str | None = None


@dataclass
class Judgement:
    judgement_id: str
    unit: str
    category: str
    text: str
    judge: str
    judged_at: datetime
    station: str | None = None
    person: str | None = None
    appealable: bool = True
    state: JudgementState = JudgementState.STANDING
    appeal: Appeal | None = None
    reviewer: str | None = None
    decided_at: datetime | None = None
    decision_reason: str | None = None

    @classmethod
    def of(cls, judgement_id: str, judge: Actor, judging: Judging, now: datetime) -> "Judgement":
        state = JudgementState.STANDING if judging.appealable else JudgementState.FINAL
        return cls(
            judgement_id, judging.unit.unit_id, judging.category, judging.text, judge.id, now,
            judging.station, judging.person, judging.appealable, state,
        )  # fmt: skip

    def judged(self) -> ResponsibilityJudgedPayload:
        return ResponsibilityJudgedPayload(
            judgement_id=self.judgement_id, judge=self.judge, unit=self.unit,
            station=self.station, person=self.person, category=self.category, text=self.text,
            appealable=self.appealable,
        )  # fmt: skip

    def allowed(self) -> list[str]:
        return {JudgementState.STANDING: ["appeal"], JudgementState.APPEALED: ["decide"]}.get(
            self.state, []
        )

    def file(self, appellant: Actor, unit: Unit, appeal: Appeal) -> AppealFiledPayload:
        if self.state is not JudgementState.STANDING:
            raise Conflict(self._why_not("appealed"), self.allowed())
        if appellant.id not in unit.members:
            raise Forbidden(f"only a member of unit {self.unit!r} may appeal its judgement")
        self.state, self.appeal = JudgementState.APPEALED, appeal
        return AppealFiledPayload(
            judgement_id=self.judgement_id, appellant=appellant.id, unit=self.unit,
            reason_category=appeal.reason_category, template_id=appeal.template_id,
            fields=dict(appeal.fields), text=appeal.text,
        )  # fmt: skip

    def decide(self, reviewer: Actor, review: Review, now: datetime) -> AppealDecidedPayload:
        if reviewer.role not in REVIEWERS:
            raise Forbidden(f"role {reviewer.role!r} may not decide appeals", REVIEWERS)
        if self.state is not JudgementState.APPEALED:
            raise Conflict(self._why_not("decided"), self.allowed())
        assert self.appeal is not None
        if reviewer.id == self.appeal.appellant:
            raise Forbidden("an appellant does not decide their own appeal", REVIEWERS)
        _check_review(review, self.unit)
        self.state, self.reviewer, self.decided_at = _DECIDED[review.decision], reviewer.id, now
        self.decision_reason = review.reason
        return AppealDecidedPayload(
            judgement_id=self.judgement_id, reviewer=reviewer.id, decision=review.decision,
            reason=review.reason, new_unit=review.new_unit.unit_id if review.new_unit else None,
            new_person=review.new_person,
        )  # fmt: skip

    def close_window(self, due_at: datetime) -> bool:
        """The SLA service says the window to appeal closed at ``due_at``. A breach due
        before this judgement was made belongs to the one it replaced."""
        if self.state is not JudgementState.STANDING or due_at <= self.judged_at:
            return False
        self.state = JudgementState.FINAL
        return True

    def _why_not(self, action: str) -> str:
        if self.state is JudgementState.FINAL and self.appealable:
            return f"judgement {self.judgement_id} cannot be {action}: the window to appeal closed"
        return f"judgement {self.judgement_id} cannot be {action}: it is {self.state.value}"


def _check_review(review: Review, unit: str) -> None:
    reassigning = review.decision is AppealDecision.REASSIGNED
    if reassigning and review.new_unit is None:
        raise InvalidFields({"new_unit": "a reassignment names the unit responsible instead"})
    if not reassigning and (review.new_unit is not None or review.new_person is not None):
        raise InvalidFields({"new_unit": "only a reassignment names another unit"})
    if review.new_unit is not None and review.new_unit.unit_id == unit:
        raise InvalidFields({"new_unit": f"unit {unit!r} is the one already judged"})
