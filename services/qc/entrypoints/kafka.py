"""QC's Kafka entrypoint: what intake, dispatch and SLA events say about closed tickets."""

from collections.abc import Awaitable, Callable
from typing import Any

from services.qc.app import changes, handlers
from services.qc.app.changes import Change
from services.qc.app.context import QcContext
from shared.events import EventEnvelope, TicketRegistered
from shared.events import dispatch as d
from shared.events import sla as s
from shared.kafka.routing import EventRouter

CHANGES: dict[type[EventEnvelope], Callable[[Any], Change]] = {
    TicketRegistered: changes.registered,
    d.TicketResolved: changes.resolved,
    d.TicketClosed: changes.closed,
    s.SlaBreached: changes.breached,
}


def ticket_events(ctx: QcContext) -> EventRouter:
    router = EventRouter()

    def following(to_change: Callable[[Any], Change]) -> Callable[[Any], Awaitable[None]]:
        async def handle(event: EventEnvelope) -> None:
            change = to_change(event)
            await handlers.on_ticket_event(
                event.event_id, event.ticket_id, event.tenant_id, change, ctx.new_uow
            )

        return handle

    for event_class, to_change in CHANGES.items():
        router.on(event_class, following(to_change))
    return router
