"""The SLA service's Kafka entrypoint: intake, dispatch and qc events of every ticket."""

from services.sla.app import handlers
from services.sla.app.context import SlaContext
from services.sla.domain.reactions import REACTIONS
from shared.events import EventEnvelope, TicketRegistered
from shared.events.dispatch import DISPATCH_EVENTS
from shared.events.intake import TicketReleased
from shared.events.qc import QC_EVENTS
from shared.kafka.routing import EventRouter


def _carries_status(event_class: type[EventEnvelope]) -> bool:
    payload = event_class.model_fields["payload"].annotation
    fields = getattr(payload, "model_fields", {})
    return "status" in fields or isinstance(getattr(payload, "status", None), property)


def ticket_events(ctx: SlaContext) -> EventRouter:
    router = EventRouter()

    async def registered(event: TicketRegistered) -> None:
        await handlers.on_ticket_registered(event, ctx.new_uow, ctx.autoclose_days)

    async def released(event: TicketReleased) -> None:
        await handlers.on_ticket_released(event, ctx.new_uow)

    async def dispatched(event: EventEnvelope) -> None:
        await handlers.on_dispatch_event(event, ctx.new_uow, ctx.autoclose_days)

    async def inspected(event: EventEnvelope) -> None:
        await handlers.on_qc_event(event, ctx.new_uow, ctx.autoclose_days)

    router.on(TicketRegistered, registered)
    router.on(TicketReleased, released)
    # Every dispatch event carries the ticket's status, which pauses and resumes clocks.
    for event_class in DISPATCH_EVENTS:
        if event_class in REACTIONS or _carries_status(event_class):
            router.on(event_class, dispatched)
    # Quality control's events that start or stop its clocks (the rest are skipped).
    for event_class in QC_EVENTS:
        if event_class in REACTIONS:
            router.on(event_class, inspected)
    return router
