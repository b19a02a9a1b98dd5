"""Keep the ticket read model from every service's events."""

from uuid import UUID

from services.gateway.app.ports import NewUnitOfWork
from services.gateway.domain.projection import ViewChange, update_for

CONSUMER = "gateway"


async def project(event_id: UUID, change: ViewChange, new_uow: NewUnitOfWork) -> None:
    async with new_uow() as uow:
        if await uow.already_processed(CONSUMER, event_id):
            return
        # Read and written in one transaction: a concurrent write to the ticket conflicts
        # and the use case runs again on what it wrote.
        stamps, current = await uow.views.current(change.ticket_id)
        await uow.views.save(change.ticket_id, update_for(change, stamps, current))
        await uow.commit()
