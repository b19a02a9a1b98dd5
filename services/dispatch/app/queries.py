"""Read side for dispatchers: a work order, its history, my to-do list, the centre queue."""

from services.dispatch.app.context import DispatchContext
from services.dispatch.domain.values import HistoryEntry
from services.dispatch.domain.work_order import WorkOrder
from shared.errors import NotFound


async def work_order(ctx: DispatchContext, ticket_id: str) -> WorkOrder:
    async with ctx.new_uow() as uow:
        order = await uow.work_orders.get(ticket_id)
    if order is None:
        raise NotFound(f"no work order for ticket {ticket_id}")
    return order


async def history(ctx: DispatchContext, ticket_id: str) -> list[HistoryEntry]:
    return (await work_order(ctx, ticket_id)).history


async def todo(ctx: DispatchContext, tenant_id: str, assignee: str, limit: int) -> list[WorkOrder]:
    async with ctx.new_uow() as uow:
        return await uow.work_orders.todo(tenant_id, assignee, limit)


async def centre_queue(ctx: DispatchContext, tenant_id: str, limit: int) -> list[WorkOrder]:
    async with ctx.new_uow() as uow:
        return await uow.work_orders.queue(tenant_id, ctx.dispatch_centre, limit)
