"""Responsibility judgement (判责) and appeals (申诉) use cases, the units that can be judged,
and each tenant's appeal template library."""

from collections.abc import Mapping
from dataclasses import dataclass

from services.qc.app.handlers import store
from services.qc.app.ports import NewUnitOfWork, QcUnitOfWork, ShippedLibrary
from services.qc.domain.appeal_templates import AppealTemplate, Library, library, template_of
from services.qc.domain.cases import QcCase
from services.qc.domain.judgements import (
    AppealChoice,
    JudgementState,
    Judging,
    Review,
    Unit,
    compose_appeal,
)
from shared.errors import Conflict, InvalidFields, NotFound
from shared.events import Actor
from shared.events.qc import AppealDecision


@dataclass(frozen=True)
class JudgingRequest:
    unit_id: str
    category: str
    text: str
    station: str | None = None
    person: str | None = None
    appealable: bool = True


@dataclass(frozen=True)
class ReviewRequest:
    decision: AppealDecision
    reason: str
    new_unit_id: str | None = None
    new_person: str | None = None


async def _case(uow: QcUnitOfWork, ticket_id: str) -> QcCase:
    case = await uow.cases.get(ticket_id)
    if case is None:
        raise NotFound(f"no complaint {ticket_id} known to quality control")
    return case


async def _unit(uow: QcUnitOfWork, tenant_id: str, unit_id: str, field: str) -> Unit:
    unit = await uow.units.get(tenant_id, unit_id)
    if unit is None:
        raise InvalidFields({field: f"no unit {unit_id!r} of tenant {tenant_id!r}"})
    return unit


async def judge(
    ticket_id: str, judge: Actor, asked: JudgingRequest, new_uow: NewUnitOfWork
) -> QcCase:
    async with new_uow() as uow:
        case = await _case(uow, ticket_id)
        unit = await _unit(uow, case.tenant_id, asked.unit_id, "unit")
        judging = Judging(unit, asked.category, asked.text, asked.station, asked.person,
                          asked.appealable)  # fmt: skip
        case.judge(judge, judging, uow.now())
        await store(uow, case)
    return case


async def tenant_library(uow: QcUnitOfWork, tenant_id: str, shipped: ShippedLibrary) -> Library:
    own, retired = await uow.templates.own(tenant_id), await uow.templates.retired(tenant_id)
    return library(shipped.categories, shipped.templates, own, retired)


async def appeal(
    ticket_id: str, appellant: Actor, choice: AppealChoice, shipped: ShippedLibrary,
    new_uow: NewUnitOfWork,
) -> QcCase:  # fmt: skip
    async with new_uow() as uow:
        case = await _case(uow, ticket_id)
        if case.judgement is None:
            raise NotFound(f"ticket {ticket_id} has no judgement of responsibility")
        unit = await uow.units.get(case.tenant_id, case.judgement.unit)
        lib = await tenant_library(uow, case.tenant_id, shipped)
        made = compose_appeal(appellant, choice, lib, uow.now())
        # A unit removed since it was judged has nobody left to appeal for it.
        case.appeal(appellant, unit or Unit(case.judgement.unit, "", frozenset()), made, uow.now())
        await store(uow, case)
    return case


async def decide(
    ticket_id: str, reviewer: Actor, asked: ReviewRequest, new_uow: NewUnitOfWork
) -> QcCase:
    async with new_uow() as uow:
        case = await _case(uow, ticket_id)
        new_unit = None
        if asked.new_unit_id is not None:
            new_unit = await _unit(uow, case.tenant_id, asked.new_unit_id, "new_unit")
        review = Review(asked.decision, asked.reason, new_unit, asked.new_person)
        case.decide(reviewer, review, uow.now())
        await store(uow, case)
    return case


async def judgement_of(ticket_id: str, new_uow: NewUnitOfWork) -> QcCase:
    async with new_uow() as uow:
        case = await _case(uow, ticket_id)
    if case.judgement is None:
        raise NotFound(f"ticket {ticket_id} has no judgement of responsibility")
    return case


async def judged(
    tenant_id: str, state: JudgementState, limit: int, new_uow: NewUnitOfWork
) -> list[QcCase]:
    async with new_uow() as uow:
        return await uow.cases.judged(tenant_id, state, limit)


async def put_unit(tenant_id: str, unit: Unit, new_uow: NewUnitOfWork) -> Unit:
    async with new_uow() as uow:
        await uow.units.put(tenant_id, unit)
        await uow.commit()
    return unit


async def units(tenant_id: str, new_uow: NewUnitOfWork) -> list[Unit]:
    async with new_uow() as uow:
        return sorted(await uow.units.of_tenant(tenant_id), key=lambda u: u.unit_id)


async def templates(tenant_id: str, shipped: ShippedLibrary, new_uow: NewUnitOfWork) -> Library:
    async with new_uow() as uow:
        return await tenant_library(uow, tenant_id, shipped)


async def add_template(
    tenant_id: str, template_id: str, category: str, texts: Mapping[str, str],
    shipped: ShippedLibrary, new_uow: NewUnitOfWork,
) -> AppealTemplate:  # fmt: skip
    ids = [c.category_id for c in shipped.categories]
    template = template_of(template_id, category, texts, tenant_id, ids)
    if any(t.template_id == template_id for t in shipped.templates):
        raise Conflict(f"{template_id!r} is a shipped template's id", [])
    async with new_uow() as uow:
        if not await uow.templates.add(template):
            raise Conflict(f"tenant {tenant_id!r} has a template {template_id!r} already", [])
        await uow.commit()
    return template


async def retire_template(
    tenant_id: str, template_id: str, shipped: ShippedLibrary, new_uow: NewUnitOfWork
) -> None:
    """The template is no longer offered to the tenant's appellants; appeals filed with it
    keep their text."""
    async with new_uow() as uow:
        (await tenant_library(uow, tenant_id, shipped)).get(template_id)
        await uow.templates.retire(tenant_id, template_id)
        await uow.commit()
