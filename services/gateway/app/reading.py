"""Gateway queries, answered from the read model within the caller's tenant."""

from typing import Any

from services.gateway.app.ports import NewUnitOfWork
from services.gateway.domain.callers import Caller, can_see
from shared.errors import NotFound


async def get_ticket(ticket_id: str, caller: Caller, new_uow: NewUnitOfWork) -> dict[str, Any]:
    async with new_uow() as uow:
        view = await uow.views.get(ticket_id)
    if view is None or not can_see(caller, view["tenant_id"]):
        raise NotFound(f"ticket {ticket_id} not found")
    return view


async def list_tickets(
    new_uow: NewUnitOfWork, tenant_id: str, status: str | None, limit: int
) -> list[dict[str, Any]]:
    async with new_uow() as uow:
        return await uow.views.latest(status, tenant_id, limit)


async def my_jobs(
    new_uow: NewUnitOfWork, tenant_id: str, caller: Caller, limit: int
) -> list[dict[str, Any]]:
    async with new_uow() as uow:
        return await uow.views.jobs(tenant_id, caller.username, limit)
