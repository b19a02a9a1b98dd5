"""Dispatch's Kafka entrypoints: intake events (routing) and SLA events (breach, auto-close)."""

from services.dispatch.app import consumers
from services.dispatch.app.context import DispatchContext
from shared.events import TicketRegistered
from shared.events.intake import TicketReleased
from shared.events.sla import AutoCloseBecameDue, SlaBreached
from shared.kafka.routing import EventRouter


def intake_events(ctx: DispatchContext) -> EventRouter:
    router = EventRouter()

    async def registered(event: TicketRegistered) -> None:
        await consumers.on_ticket_registered(ctx, event)

    async def released(event: TicketReleased) -> None:
        await consumers.on_ticket_released(ctx, event)

    router.on(TicketRegistered, registered)
    router.on(TicketReleased, released)
    return router


def sla_events(ctx: DispatchContext) -> EventRouter:
    router = EventRouter()

    async def breached(event: SlaBreached) -> None:
        await consumers.on_sla_breached(ctx, event)

    async def autoclose_due(event: AutoCloseBecameDue) -> None:
        await consumers.on_autoclose_due(ctx, event)

    router.on(SlaBreached, breached)
    router.on(AutoCloseBecameDue, autoclose_due)
    return router
