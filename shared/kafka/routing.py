"""Decode an event message and hand it to the handler registered for its type."""

import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from shared.events.codec import decode_event
from shared.events.envelope import EventEnvelope
from shared.kafka.delivery import InboundMessage

log = logging.getLogger(__name__)

E = TypeVar("E", bound=EventEnvelope)
EventHandler = Callable[[Any], Awaitable[None]]


class EventRouter:
    """Maps event classes to handlers; unknown and unhandled types are skipped with a log line."""

    def __init__(self) -> None:
        self._handlers: dict[type[EventEnvelope], EventHandler] = {}

    def on(self, event_class: type[E], handler: Callable[[E], Awaitable[None]]) -> None:
        self._handlers[event_class] = handler

    async def __call__(self, message: InboundMessage) -> None:
        event = decode_event(message.value)
        if event is None:
            return
        handler = self._handlers.get(type(event))
        if handler is None:
            log.debug("no handler for event type", extra={"event_type": event.event_type})
            return
        await handler(event)
