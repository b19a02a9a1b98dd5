"""Read side for dispatchers: a work order, its history, my to-do list, the centre queue."""

from collections.abc import Sequence
from datetime import date

from services.dispatch.app.ports import NewUnitOfWork
from services.dispatch.domain.approval import may_decide
from services.dispatch.domain.values import Extension, ExtensionState, HistoryEntry
from services.dispatch.domain.work_order import WorkOrder
from shared.errors import NotFound
from shared.events import Actor


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


async def approvals(
    new_uow: NewUnitOfWork, tenant_id: str, actor: Actor, limit: int
) -> list[WorkOrder]:
    """The approvers' queue: tickets waiting at a step the caller may decide."""
    async with new_uow() as uow:
        found = await uow.work_orders.awaiting_approval(tenant_id, actor.role, actor.id, limit)
    return [o for o in found if o.approval is not None and may_decide(o.approval, actor)]


async def extensions(
    new_uow: NewUnitOfWork, tenant_id: str, states: Sequence[ExtensionState], limit: int
) -> list[tuple[WorkOrder, Extension]]:
    """Every extension request of the tenant in ``states``, with its work order."""
    async with new_uow() as uow:
        found = await uow.work_orders.with_extensions(tenant_id, [s.value for s in states], limit)
    wanted = set(states)
    pairs = [(o, e) for o in found for e in o.extensions if e.state in wanted]
    return sorted(pairs, key=lambda pair: pair[1].requested_at)


async def tracked(
    new_uow: NewUnitOfWork, tenant_id: str, tracker: str, due_by: date | None, limit: int
) -> list[WorkOrder]:
    """``tracker``'s follow-ups dated ``due_by`` (default: today, UTC) or earlier."""
    async with new_uow() as uow:
        until = due_by or uow.now().date()
        return await uow.work_orders.tracked(tenant_id, tracker, until, limit)
