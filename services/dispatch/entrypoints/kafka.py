"""Dispatch's Kafka entrypoints: intake events (routing) and SLA events (breach, auto-close)."""

from functools import partial

from services.dispatch.app import consumers
from services.dispatch.app.context import DispatchContext
from shared.events import TicketRegistered
from shared.events.intake import TicketReleased
from shared.events.sla import AutoCloseBecameDue, SlaBreached
from shared.kafka.routing import EventRouter


def intake_events(ctx: DispatchContext) -> EventRouter:
    router = EventRouter()
    router.on(TicketRegistered, partial(consumers.on_ticket_registered, ctx.new_uow, ctx.routing))
    router.on(TicketReleased, partial(consumers.on_ticket_released, ctx.new_uow, ctx.routing))
    return router


def sla_events(ctx: DispatchContext) -> EventRouter:
    router = EventRouter()
    router.on(SlaBreached, partial(consumers.on_sla_breached, ctx.new_uow))
    router.on(AutoCloseBecameDue, partial(consumers.on_autoclose_due, ctx.new_uow))
    return router
