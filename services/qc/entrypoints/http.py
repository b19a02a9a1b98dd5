"""QC's HTTP API: the inspectors' queues, claiming and submitting inspections, and each
tenant's QC policy (sample share, checklist, pass mark)."""

from typing import Annotated

from fastapi import APIRouter, Query

from services.qc.app import handlers
from services.qc.domain.cases import InspectionState
from services.qc.entrypoints.deps import Ctx, Who
from services.qc.entrypoints.schemas import (
    CallBody,
    FollowUpBody,
    InspectionView,
    PolicyBody,
    VerdictBody,
    VisitView,
)
from shared.admin import AdminActor
from shared.tenant_http import NOT_PROVISIONED, ProvisionedTenant

router = APIRouter(tags=["inspections"])
TenantId = Annotated[str, Query(min_length=1, max_length=64)]


@router.get("/tenants/{tenant_id}/inspections", response_model=list[InspectionView])
async def inspections(
    tenant_id: str, ctx: Ctx,
    state: InspectionState = InspectionState.OPEN,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[InspectionView]:  # fmt: skip
    """A tenant's inspections in ``state``, oldest closure first."""
    found = await handlers.inspections(tenant_id, state, limit, ctx.new_uow)
    return [InspectionView.of(case) for case in found]


@router.get("/inspections/{ticket_id}", response_model=InspectionView)
async def get_inspection(ticket_id: str, ctx: Ctx) -> InspectionView:
    return InspectionView.of(await handlers.get_inspection(ticket_id, ctx.new_uow))


@router.post("/inspections/{ticket_id}/claim", response_model=InspectionView)
async def claim(ticket_id: str, ctx: Ctx, who: Who) -> InspectionView:
    """Take the inspection (inspector, supervisor, admin); claiming it again is harmless."""
    return InspectionView.of(await handlers.claim(ticket_id, who, ctx.new_uow))


@router.post("/inspections/{ticket_id}/submit", response_model=InspectionView)
async def submit(ticket_id: str, body: VerdictBody, ctx: Ctx, who: Who) -> InspectionView:
    """Score every checklist item; an overdue ticket's overdue reason is judged too. The
    ticket then goes back upstream (返单) with the result."""
    case = await handlers.submit(ticket_id, who, body.verdict(), ctx.new_uow)
    return InspectionView.of(case)


@router.get(
    "/tenants/{tenant_id}/return-visits", response_model=list[VisitView], tags=["return visits"]
)
async def call_back_list(
    tenant_id: str, ctx: Ctx, limit: Annotated[int, Query(ge=1, le=500)] = 100
) -> list[VisitView]:
    """The return visits to call now: never tried, or their next attempt is due."""
    return [VisitView.of(case) for case in await handlers.due_visits(tenant_id, limit, ctx.new_uow)]


@router.post("/return-visits/{ticket_id}/calls", response_model=VisitView, tags=["return visits"])
async def call(ticket_id: str, body: CallBody, ctx: Ctx, who: Who) -> VisitView:
    """Record one call (回访): only a reached customer completes the visit."""
    return VisitView.of(await handlers.call(ticket_id, who, body.call(), ctx.new_uow))


@router.post(
    "/return-visits/{ticket_id}/follow-up", response_model=VisitView, tags=["return visits"]
)
async def follow_up(ticket_id: str, body: FollowUpBody, ctx: Ctx, who: Who) -> VisitView:
    """A dissatisfied customer (satisfaction ≤ 2): a new ticket linked to this one, once."""
    case = await handlers.follow_up(ticket_id, who, body.description, ctx.new_uow)
    return VisitView.of(case)


@router.put(
    "/tenants/{tenant_id}/qc-policy", response_model=PolicyBody, tags=["admin"],
    responses=NOT_PROVISIONED,
)  # fmt: skip
async def put_policy(
    tenant_id: ProvisionedTenant, body: PolicyBody, ctx: Ctx, who: AdminActor
) -> PolicyBody:
    return PolicyBody.of(await handlers.put_policy(tenant_id, body.policy(), ctx.new_uow))


@router.get("/tenants/{tenant_id}/qc-policy", response_model=PolicyBody, tags=["admin"])
async def get_policy(tenant_id: str, ctx: Ctx) -> PolicyBody:
    return PolicyBody.of(await handlers.get_policy(tenant_id, ctx.new_uow))
