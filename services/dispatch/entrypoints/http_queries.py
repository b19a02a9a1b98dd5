"""Dispatchers' reads: a workflow document, its history, my to-do list, the centre queue."""

from typing import Annotated

from fastapi import APIRouter, Query

from services.dispatch.app import queries
from services.dispatch.entrypoints.deps import Ctx, Who
from services.dispatch.entrypoints.views import (
    HistoryView,
    WorkOrderView,
    history_view,
    work_order_view,
)

router = APIRouter(tags=["queries"])
Limit = Annotated[int, Query(ge=1, le=500)]


@router.get("/work-orders/{ticket_id}", response_model=WorkOrderView)
async def get_work_order(ticket_id: str, ctx: Ctx) -> WorkOrderView:
    return work_order_view(await queries.work_order(ctx.new_uow, ticket_id))


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
