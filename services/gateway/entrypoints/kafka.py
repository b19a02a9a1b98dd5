"""The gateway's Kafka entrypoint: every event that changes the ticket read model."""

from collections.abc import Awaitable, Callable
from typing import TypeVar

from services.gateway.app import handlers, notifications
from services.gateway.app.context import GatewayContext
from services.gateway.domain import projection
from services.gateway.domain.projection import ViewChange
from shared.events import EventEnvelope
from shared.events.notify import NotificationPosted
from shared.kafka.routing import EventRouter

E = TypeVar("E", bound=EventEnvelope)


def ticket_events(ctx: GatewayContext) -> EventRouter:
    router = EventRouter()

    def projecting(to_change: Callable[[E], ViewChange]) -> Callable[[E], Awaitable[None]]:
        async def handle(event: E) -> None:
            await handlers.project(event.event_id, to_change(event), ctx.new_uow)

        return handle

    for event_class, to_change in projection.PROJECTIONS.items():
        router.on(event_class, projecting(to_change))

    async def posted(event: NotificationPosted) -> None:
        await notifications.keep(event.event_id, event, ctx.new_uow)

    router.on(NotificationPosted, posted)
    return router
