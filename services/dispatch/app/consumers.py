"""Reactions to other services' events; each runs once per event id (idempotent consumer)."""

import logging
from datetime import timedelta

from services.dispatch.app import outages
from services.dispatch.app.ports import NewUnitOfWork
from services.dispatch.app.routing import Routing, route
from services.dispatch.domain.work_order import WorkOrder
from shared.events import SYSTEM_ACTOR, TicketRegistered
from shared.events.intake import TicketReleased
from shared.events.sla import AutoCloseBecameDue, SlaBreached
from shared.events.vocabulary import TicketStatus
from shared.retry import retry_transient

CONSUMER = "dispatch"
# Mongo keeps milliseconds; a due time for an earlier resolution is older than this.
SAME_RESOLUTION = timedelta(seconds=1)

log = logging.getLogger(__name__)


async def on_ticket_registered(
    new_uow: NewUnitOfWork, routing: Routing, event: TicketRegistered
) -> None:
    async def attempt() -> None:
        async with new_uow() as uow:
            if await uow.already_processed(CONSUMER, event.event_id):
                return
            if await uow.work_orders.get(event.ticket_id) is not None:
                await uow.commit()  # the same ticket announced twice: one work order
                return
            order = WorkOrder.open(event, uow.now())
            if order.status is TicketStatus.NEW:
                await route(routing, uow, order)
            await outages.place(uow, order, event.payload.registered_at)
            await uow.work_orders.add(order)
            uow.publish(*order.events)
            await uow.commit()

    await retry_transient(attempt)


async def on_ticket_released(
    new_uow: NewUnitOfWork, routing: Routing, event: TicketReleased
) -> None:
    async def attempt() -> None:
        async with new_uow() as uow:
            if await uow.already_processed(CONSUMER, event.event_id):
                return
            order = await uow.work_orders.get(event.ticket_id)
            if order is None or order.status is not TicketStatus.QUARANTINED:
                log.warning(
                    "release of a ticket not in quarantine", extra={"ticket_id": event.ticket_id}
                )
                await uow.commit()
                return
            order.release(SYSTEM_ACTOR, uow.now())
            await route(routing, uow, order)
            await uow.work_orders.update(order)
            uow.publish(*order.events)
            await uow.commit()

    await retry_transient(attempt)


async def on_sla_breached(new_uow: NewUnitOfWork, event: SlaBreached) -> None:
    """Remember the breach: resolving now needs an overdue reason (超时原因). Quality
    control's deadlines (inspection, appeal) do not time the ticket's handling: ignored."""
    if not event.payload.metric.handles_the_ticket:
        return

    async def attempt() -> None:
        async with new_uow() as uow:
            if await uow.already_processed(CONSUMER, event.event_id):
                return
            order = await uow.work_orders.get(event.ticket_id)
            if order is not None and order.mark_overdue():
                await uow.work_orders.update(order)
            await uow.commit()

    await retry_transient(attempt)


async def on_autoclose_due(new_uow: NewUnitOfWork, event: AutoCloseBecameDue) -> None:
    """Close a resolved ticket the customer left unanswered; stale due times are ignored."""

    async def attempt() -> None:
        async with new_uow() as uow:
            if await uow.already_processed(CONSUMER, event.event_id):
                return
            order = await uow.work_orders.get(event.ticket_id)
            if order is not None and _still_due(order, event):
                order.auto_close(SYSTEM_ACTOR, uow.now())
                await uow.work_orders.update(order)
                uow.publish(*order.events)
            await uow.commit()

    await retry_transient(attempt)


def _still_due(order: WorkOrder, event: AutoCloseBecameDue) -> bool:
    if order.status is not TicketStatus.RESOLVED:
        return False  # the customer answered or confirmed in the meantime
    resolved = [h.at for h in order.history if h.to_status is TicketStatus.RESOLVED]
    return not resolved or resolved[-1] <= event.payload.resolved_at + SAME_RESOLUTION
