"""QC's HTTP API for responsibility judgement (判责) and appeals (申诉): the units that can be
judged, the reviewers' queue, and each tenant's appeal template library."""

from typing import Annotated

from fastapi import APIRouter, Query

from services.qc.app import appeals
from services.qc.domain.judgements import JudgementState
from services.qc.entrypoints.appeal_schemas import (
    AppealBody,
    DecisionBody,
    JudgementView,
    JudgingBody,
    Language,
    LibraryView,
    TemplateBody,
    TemplateId,
    TemplateView,
    UnitBody,
    UnitId,
    UnitView,
)
from services.qc.entrypoints.deps import Ctx, Who
from shared.admin import AdminActor
from shared.tenant_http import NOT_PROVISIONED, ProvisionedTenant

router = APIRouter(tags=["judgements and appeals"])
Limit = Annotated[int, Query(ge=1, le=500)]


@router.put(
    "/tenants/{tenant_id}/units/{unit_id}", response_model=UnitView, tags=["admin"],
    responses=NOT_PROVISIONED,
)  # fmt: skip
async def put_unit(
    tenant_id: ProvisionedTenant, unit_id: UnitId, body: UnitBody, ctx: Ctx, who: AdminActor
) -> UnitView:
    """A unit that can be judged responsible, and the members who may appeal for it."""
    return UnitView.of(await appeals.put_unit(tenant_id, body.unit(unit_id), ctx.new_uow))


@router.get("/tenants/{tenant_id}/units", response_model=list[UnitView], tags=["admin"])
async def units(tenant_id: str, ctx: Ctx) -> list[UnitView]:
    return [UnitView.of(unit) for unit in await appeals.units(tenant_id, ctx.new_uow)]


@router.post("/complaints/{ticket_id}/judgement", response_model=JudgementView)
async def judge(ticket_id: str, body: JudgingBody, ctx: Ctx, who: Who) -> JudgementView:
    """判责 (supervisor, admin): once per complaint; later changes come from appeals."""
    return JudgementView.of(await appeals.judge(ticket_id, who, body.request(), ctx.new_uow))


@router.get("/complaints/{ticket_id}/judgement", response_model=JudgementView)
async def judgement(ticket_id: str, ctx: Ctx) -> JudgementView:
    return JudgementView.of(await appeals.judgement_of(ticket_id, ctx.new_uow))


@router.post("/complaints/{ticket_id}/appeal", response_model=JudgementView)
async def appeal(ticket_id: str, body: AppealBody, ctx: Ctx, who: Who) -> JudgementView:
    """申诉 by a member of the judged unit while the window is open, once per judgement."""
    case = await appeals.appeal(ticket_id, who, body.choice(), ctx.library, ctx.new_uow)
    return JudgementView.of(case)


@router.post("/complaints/{ticket_id}/appeal/decision", response_model=JudgementView)
async def decide(ticket_id: str, body: DecisionBody, ctx: Ctx, who: Who) -> JudgementView:
    """Uphold, or overturn (改判) to no responsibility or to another unit (supervisor, admin)."""
    return JudgementView.of(await appeals.decide(ticket_id, who, body.request(), ctx.new_uow))


@router.get("/tenants/{tenant_id}/judgements", response_model=list[JudgementView])
async def judged(
    tenant_id: str, ctx: Ctx, state: JudgementState = JudgementState.APPEALED, limit: Limit = 100
) -> list[JudgementView]:
    """Complaints whose standing judgement is in ``state``: by default the reviewers'
    queue of appeals waiting for a decision."""
    found = await appeals.judged(tenant_id, state, limit, ctx.new_uow)
    return [JudgementView.of(case) for case in found]


@router.get("/tenants/{tenant_id}/appeal-templates", response_model=LibraryView)
async def templates(
    tenant_id: str, ctx: Ctx, category: TemplateId | None = None, language: Language = "zh-CN"
) -> LibraryView:
    """The reasons an appellant picks from: the shipped library less what the tenant
    retired, plus its own."""
    lib = await appeals.templates(tenant_id, ctx.library, ctx.new_uow)
    return LibraryView.of(lib, category, language)


@router.post(
    "/tenants/{tenant_id}/appeal-templates", response_model=TemplateView, status_code=201,
    tags=["admin"], responses=NOT_PROVISIONED,
)  # fmt: skip
async def add_template(
    tenant_id: ProvisionedTenant, body: TemplateBody, ctx: Ctx, who: AdminActor
) -> TemplateView:
    template = await appeals.add_template(
        tenant_id, body.template_id, body.category, body.by_language(), ctx.library, ctx.new_uow
    )
    return TemplateView.of(template, next(iter(body.texts)))


@router.post(
    "/tenants/{tenant_id}/appeal-templates/{template_id}/retire", status_code=204, tags=["admin"],
    responses=NOT_PROVISIONED,
)  # fmt: skip
async def retire_template(
    tenant_id: ProvisionedTenant, template_id: str, ctx: Ctx, who: AdminActor
) -> None:
    await appeals.retire_template(tenant_id, template_id, ctx.library, ctx.new_uow)
