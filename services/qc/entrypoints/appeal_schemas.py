"""Request and response bodies of judgements, appeals, units and appeal templates."""

from datetime import datetime
from typing import Annotated, Literal, Self

from pydantic import BaseModel, Field, StrictBool

from services.qc.app.appeals import JudgingRequest, ReviewRequest
from services.qc.domain.appeal_templates import LANGUAGES, AppealTemplate, Library
from services.qc.domain.cases import QcCase
from services.qc.domain.judgements import Appeal, AppealChoice, Judgement, Unit
from services.qc.entrypoints.schemas import Body
from shared.events.qc import AppealDecision

UnitId = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.-]+$")]
Name = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^\S(.*\S)?$")]
Long = Annotated[str, Field(min_length=1, max_length=4000)]
FieldName = Annotated[str, Field(min_length=1, max_length=50, pattern=r"^[a-z][a-z0-9_]*$")]
TemplateId = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[a-z0-9_.-]+$")]
Language = Literal["zh-CN", "ru", "en"]


class UnitBody(Body):
    name: Name
    members: list[Annotated[str, Field(min_length=1, max_length=100)]] = Field(max_length=500)

    def unit(self, unit_id: str) -> Unit:
        return Unit(unit_id, self.name, frozenset(self.members))


class UnitView(BaseModel):
    unit_id: str
    name: str
    members: list[str]

    @classmethod
    def of(cls, unit: Unit) -> Self:
        return cls(unit_id=unit.unit_id, name=unit.name, members=sorted(unit.members))


class JudgingBody(Body):
    """判责: the unit responsible (and optionally its station and person), why."""

    unit: UnitId
    category: Name
    text: Long
    station: Name | None = None
    person: Name | None = None
    appealable: StrictBool = True

    def request(self) -> JudgingRequest:
        return JudgingRequest(self.unit, self.category, self.text, self.station, self.person,
                              self.appealable)  # fmt: skip


class AppealBody(Body):
    """申诉: a template and its fields, or a category and the appellant's own text."""

    template_id: TemplateId | None = None
    category: TemplateId | None = None
    fields: dict[FieldName, Annotated[str, Field(max_length=200)]] = Field(
        default_factory=dict, max_length=20
    )
    text: Long | None = None
    language: Language = "zh-CN"

    def choice(self) -> AppealChoice:
        return AppealChoice(self.template_id, self.category, dict(self.fields), self.text,
                            self.language)  # fmt: skip


class DecisionBody(Body):
    """Uphold, or overturn (改判) to no responsibility or to another unit."""

    decision: AppealDecision
    reason: Long
    new_unit: UnitId | None = None
    new_person: Name | None = None

    def request(self) -> ReviewRequest:
        return ReviewRequest(self.decision, self.reason, self.new_unit, self.new_person)


class AppealView(BaseModel):
    appellant: str
    filed_at: datetime
    reason_category: str
    template_id: str | None
    fields: dict[str, str]
    text: str

    @classmethod
    def of(cls, appeal: Appeal) -> Self:
        return cls(
            appellant=appeal.appellant, filed_at=appeal.filed_at,
            reason_category=appeal.reason_category, template_id=appeal.template_id,
            fields=appeal.fields, text=appeal.text,
        )  # fmt: skip


class JudgementEntry(BaseModel):
    judgement_id: str
    unit: str
    station: str | None
    person: str | None
    category: str
    text: str
    judge: str
    judged_at: datetime
    appealable: bool
    state: str
    allowed: list[str]
    appeal: AppealView | None
    reviewer: str | None
    decided_at: datetime | None
    decision_reason: str | None

    @classmethod
    def of(cls, j: Judgement) -> Self:
        return cls(
            judgement_id=j.judgement_id, unit=j.unit, station=j.station, person=j.person,
            category=j.category, text=j.text, judge=j.judge, judged_at=j.judged_at,
            appealable=j.appealable, state=j.state.value, allowed=j.allowed(),
            appeal=AppealView.of(j.appeal) if j.appeal else None, reviewer=j.reviewer,
            decided_at=j.decided_at, decision_reason=j.decision_reason,
        )  # fmt: skip


class JudgementView(BaseModel):
    """A complaint's judgements, the standing one last."""

    ticket_id: str
    tenant_id: str
    number: str | None
    judgements: list[JudgementEntry]

    @classmethod
    def of(cls, case: QcCase) -> Self:
        return cls(
            ticket_id=case.ticket_id, tenant_id=case.tenant_id,
            number=case.registration.number if case.registration else None,
            judgements=[JudgementEntry.of(j) for j in case.judgements],
        )  # fmt: skip


class TemplateBody(Body):
    """A tenant's own template: its texts with ``{field}`` placeholders."""

    template_id: TemplateId
    category: TemplateId
    texts: dict[Language, Long] = Field(min_length=1)

    def by_language(self) -> dict[str, str]:
        return {str(language): text for language, text in self.texts.items()}


class TemplateView(BaseModel):
    template_id: str
    category: str
    fields: list[str]
    text: str  # in the language asked
    texts: dict[str, str]
    shipped: bool

    @classmethod
    def of(cls, t: AppealTemplate, language: str) -> Self:
        return cls(
            template_id=t.template_id, category=t.category, fields=list(t.fields),
            text=t.text_in(language), texts=dict(t.texts), shipped=t.tenant_id is None,
        )  # fmt: skip


class CategoryView(BaseModel):
    category_id: str
    name: str


class LibraryView(BaseModel):
    categories: list[CategoryView]
    templates: list[TemplateView]

    @classmethod
    def of(cls, lib: Library, category: str | None, language: str) -> Self:
        return cls(
            categories=[CategoryView(category_id=c.category_id,
                                     name=c.names.get(language) or c.names[LANGUAGES[0]])
                        for c in lib.categories],
            templates=[TemplateView.of(t, language) for t in lib.in_category(category)],
        )  # fmt: skip
