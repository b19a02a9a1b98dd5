"""Dispatch's Kafka entrypoint: intake events."""

from services.dispatch.app import handlers
from services.dispatch.bootstrap_types import DispatchContext
from shared.events import TicketRegistered
from shared.kafka.routing import EventRouter


def intake_events(ctx: DispatchContext) -> EventRouter:
    router = EventRouter()

    async def registered(event: TicketRegistered) -> None:
        await handlers.on_ticket_registered(event, ctx.new_uow, ctx.rules, ctx.dispatch_centre)

    router.on(TicketRegistered, registered)
    return router
