"""QC cases and policies as MongoDB documents, and back."""

from dataclasses import asdict
from typing import Any

from services.qc.domain.appeal_templates import AppealTemplate
from services.qc.domain.cases import (
    InspectionState,
    QcCase,
    QcPolicy,
    Registration,
    Resolution,
)
from services.qc.domain.checklists import Checklist, ChecklistItem
from services.qc.domain.judgements import Appeal, Judgement, JudgementState, Unit
from services.qc.domain.visits import ReturnVisit, VisitPolicy, VisitState
from shared.events.dispatch import ClosureReason
from shared.events.qc import InspectionOutcome, InspectionReason

Doc = dict[str, Any]


def case_document(case: QcCase) -> Doc:
    return {
        "_id": case.ticket_id,
        "tenant_id": case.tenant_id,
        "registration": asdict(case.registration) if case.registration else None,
        "resolution": asdict(case.resolution) if case.resolution else None,
        "breached": case.breached,
        "closed_at": case.closed_at,
        "closure_reason": case.closure_reason.value if case.closure_reason else None,
        "decided": case.decided,
        "inspection": case.inspection.value if case.inspection else None,
        "reason": case.reason.value if case.reason else None,
        "inspector": case.inspector,
        "outcome": case.outcome.model_dump() if case.outcome else None,
        "returned": case.returned,
        "visit": _visit_document(case.visit),
        "judgements": [_judgement_document(j) for j in case.judgements],
        # The reviewers' queue reads the standing judgement's state.
        "judgement_state": case.judgement.state.value if case.judgement else None,
        "overdue": case.overdue,
        "version": case.version,
    }


def case_from(doc: Doc) -> QcCase:
    registration, resolution = doc.get("registration"), doc.get("resolution")
    return QcCase(
        ticket_id=doc["_id"], tenant_id=doc["tenant_id"],
        registration=Registration(**registration) if registration else None,
        resolution=Resolution(**resolution) if resolution else None,
        breached=doc["breached"], closed_at=doc.get("closed_at"),
        closure_reason=_optional(ClosureReason, doc.get("closure_reason")),
        decided=doc["decided"], inspection=_optional(InspectionState, doc.get("inspection")),
        reason=_optional(InspectionReason, doc.get("reason")), inspector=doc.get("inspector"),
        outcome=InspectionOutcome.model_validate(doc["outcome"]) if doc.get("outcome") else None,
        returned=doc["returned"], visit=_visit_from(doc.get("visit")),
        judgements=[_judgement_from(j) for j in doc.get("judgements", [])],
        version=doc["version"],
    )  # fmt: skip


def _judgement_document(judgement: Judgement) -> Doc:
    return asdict(judgement) | {"state": judgement.state.value}


def _judgement_from(doc: Doc) -> Judgement:
    appeal = doc.get("appeal")
    return Judgement(**doc | {
        "state": JudgementState(doc["state"]), "appeal": Appeal(**appeal) if appeal else None,
    })  # fmt: skip


def template_document(template: AppealTemplate) -> Doc:
    assert template.tenant_id is not None
    return {
        "_id": f"{template.tenant_id}:{template.template_id}", "tenant_id": template.tenant_id,
        "template_id": template.template_id, "category": template.category,
        "fields": list(template.fields), "texts": dict(template.texts), "retired": False,
    }  # fmt: skip


def template_from(doc: Doc) -> AppealTemplate:
    return AppealTemplate(
        doc["template_id"], doc["category"], tuple(doc["fields"]), doc["texts"], doc["tenant_id"]
    )


def unit_document(tenant_id: str, unit: Unit) -> Doc:
    return {
        "_id": f"{tenant_id}:{unit.unit_id}", "tenant_id": tenant_id, "unit_id": unit.unit_id,
        "name": unit.name, "members": sorted(unit.members),
    }  # fmt: skip


def unit_from(doc: Doc) -> Unit:
    return Unit(doc["unit_id"], doc["name"], frozenset(doc["members"]))


def _visit_document(visit: ReturnVisit | None) -> Doc | None:
    if visit is None:
        return None
    return {
        "state": visit.state.value, "attempts": visit.attempts,
        "next_attempt_at": visit.next_attempt_at, "satisfaction": visit.satisfaction,
        "followed_up_by": visit.followed_up_by,
    }  # fmt: skip


def _visit_from(doc: Doc | None) -> ReturnVisit | None:
    if doc is None:
        return None
    return ReturnVisit(
        VisitState(doc["state"]),
        doc["attempts"],
        doc.get("next_attempt_at"),
        doc.get("satisfaction"),
        doc.get("followed_up_by"),
    )


def _optional(kind: Any, value: str | None) -> Any:
    return kind(value) if value is not None else None


def policy_document(tenant_id: str, policy: QcPolicy) -> Doc:
    return {"_id": tenant_id, **asdict(policy)}  # tuples are stored as arrays


def policy_from(doc: Doc) -> QcPolicy:
    checklist = doc["checklist"]
    items = [ChecklistItem(**item) for item in checklist["items"]]
    visits = doc.get("visits") or asdict(VisitPolicy())
    return QcPolicy(
        sample_share=doc["sample_share"], seed=doc["seed"],
        inspect_canceled=doc["inspect_canceled"],
        checklist=Checklist(tuple(items), checklist["pass_mark"]),
        visits=VisitPolicy(tuple(visits["ticket_types"]), visits["max_attempts"],
                           tuple(visits["questions"])),
    )  # fmt: skip
