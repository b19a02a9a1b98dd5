"""Dispatchers' reads: a workflow document, its history, my to-do list, the centre queue."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Header, Query

from services.dispatch.app import queries
from services.dispatch.domain.roles import Role
from services.dispatch.domain.values import ExtensionState
from services.dispatch.entrypoints.deps import Ctx, Who
from services.dispatch.entrypoints.views import (
    ExtensionList,
    HistoryView,
    WorkOrderView,
    extension_list,
    history_view,
    work_order_view,
)

router = APIRouter(tags=["queries"])
Limit = Annotated[int, Query(ge=1, le=500)]


@router.get("/work-orders/{ticket_id}", response_model=WorkOrderView)
async def get_work_order(
    ticket_id: str, ctx: Ctx, x_actor_role: Annotated[Role | None, Header()] = None
) -> WorkOrderView:
    """With ``X-Actor-Role``, also the allowed commands that role may run."""
    role = x_actor_role.value if x_actor_role else None
    return work_order_view(await queries.work_order(ctx.new_uow, ticket_id), role)


@router.get("/work-orders/{ticket_id}/history", response_model=list[HistoryView])
async def get_history(ticket_id: str, ctx: Ctx) -> list[HistoryView]:
    return [history_view(entry) for entry in await queries.history(ctx.new_uow, ticket_id)]


@router.get("/tenants/{tenant_id}/todo", response_model=list[WorkOrderView])
async def my_todo(tenant_id: str, ctx: Ctx, who: Who, limit: Limit = 100) -> list[WorkOrderView]:
    """The caller's open tickets (X-Actor-Id), most urgent priority first."""
    return [work_order_view(o) for o in await queries.todo(ctx.new_uow, tenant_id, who.id, limit)]


@router.get("/tenants/{tenant_id}/queue", response_model=list[WorkOrderView])
async def centre_queue(tenant_id: str, ctx: Ctx, limit: Limit = 100) -> list[WorkOrderView]:
    """New tickets waiting in the dispatch centre for someone to assign them."""
    return [
        work_order_view(o)
        for o in await queries.centre_queue(
            ctx.new_uow, tenant_id, ctx.routing.dispatch_centre, limit
        )
    ]


@router.get("/tenants/{tenant_id}/approvals", response_model=list[WorkOrderView])
async def approvals(tenant_id: str, ctx: Ctx, who: Who, limit: Limit = 100) -> list[WorkOrderView]:
    """The approvers' queue: tickets pending at a step the caller (X-Actor-Id and
    X-Actor-Role) may approve or reject; never the caller's own proposals."""
    found = await queries.approvals(ctx.new_uow, tenant_id, who, limit)
    return [work_order_view(o) for o in found]


ListedState = Annotated[list[ExtensionState] | None, Query()]


@router.get("/tenants/{tenant_id}/extensions", response_model=ExtensionList)
async def extensions(
    tenant_id: str, ctx: Ctx, state: ListedState = None, limit: Limit = 500
) -> ExtensionList:
    """延期 monitoring: the tenant's extension requests, pending and approved unless
    ``state`` says otherwise, oldest request first, with a count per state."""
    states = state or [ExtensionState.PENDING, ExtensionState.APPROVED]
    pairs = await queries.extensions(ctx.new_uow, tenant_id, states, limit)
    return extension_list(pairs, [s.value for s in states])


@router.get("/tenants/{tenant_id}/tracked", response_model=list[WorkOrderView])
async def tracked(
    tenant_id: str, ctx: Ctx, who: Who, due_by: date | None = None, limit: Limit = 100
) -> list[WorkOrderView]:
    """The caller's tracked tickets (跟踪工单) dated ``due_by`` (default: today, UTC) or
    earlier, earliest first."""
    found = await queries.tracked(ctx.new_uow, tenant_id, who.id, due_by, limit)
    return [work_order_view(o) for o in found]
