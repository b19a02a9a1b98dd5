"""Gateway use cases: keep the ticket read model, answer queries from it."""

from typing import Any
from uuid import UUID

from services.gateway.app.ports import NewUnitOfWork
from services.gateway.domain.projection import ViewChange, update_for
from shared.errors import NotFound

CONSUMER = "gateway"


async def project(event_id: UUID, change: ViewChange, new_uow: NewUnitOfWork) -> None:
    async with new_uow() as uow:
        if await uow.already_processed(CONSUMER, event_id):
            return
        # Read and written in one transaction: a concurrent write to the ticket conflicts
        # and the use case runs again on what it wrote.
        stamps = await uow.views.aspect_stamps(change.ticket_id)
        await uow.views.save(change.ticket_id, update_for(change, stamps))
        await uow.commit()


async def get_ticket(ticket_id: str, new_uow: NewUnitOfWork) -> dict[str, Any]:
    async with new_uow() as uow:
        view = await uow.views.get(ticket_id)
    if view is None:
        raise NotFound(f"ticket {ticket_id} not found")
    return view


async def list_tickets(
    new_uow: NewUnitOfWork, status: str | None, tenant_id: str | None, limit: int
) -> list[dict[str, Any]]:
    async with new_uow() as uow:
        return await uow.views.list(status, tenant_id, limit)
