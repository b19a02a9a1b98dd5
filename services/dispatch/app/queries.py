"""Read side for dispatchers: a work order, its history, my to-do list, the centre queue."""

from services.dispatch.app.ports import NewUnitOfWork
from services.dispatch.domain.values import HistoryEntry
from services.dispatch.domain.work_order import WorkOrder
from shared.errors import NotFound


async def work_order(new_uow: NewUnitOfWork, ticket_id: str) -> WorkOrder:
    async with new_uow() as uow:
        order = await uow.work_orders.get(ticket_id)
    if order is None:
        raise NotFound(f"no work order for ticket {ticket_id}")
    return order


async def history(new_uow: NewUnitOfWork, ticket_id: str) -> list[HistoryEntry]:
    return (await work_order(new_uow, ticket_id)).history


async def todo(
    new_uow: NewUnitOfWork, tenant_id: str, assignee: str, limit: int
) -> list[WorkOrder]:
    async with new_uow() as uow:
        return await uow.work_orders.todo(tenant_id, assignee, limit)


async def centre_queue(
    new_uow: NewUnitOfWork, tenant_id: str, centre: str, limit: int
) -> list[WorkOrder]:
    async with new_uow() as uow:
        return await uow.work_orders.queue(tenant_id, centre, limit)
