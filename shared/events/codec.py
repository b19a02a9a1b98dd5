"""Parsing and serialising events: one discriminated union over every known event type."""

import logging
from typing import Annotated, Any, Union

from pydantic import Field, TypeAdapter, ValidationError

from shared.events.dispatch import DISPATCH_EVENTS
from shared.events.envelope import EventEnvelope, UnknownEvent
from shared.events.intake import INTAKE_EVENTS
from shared.events.notify import NOTIFY_EVENTS
from shared.events.qc import QC_EVENTS
from shared.events.sla import SLA_EVENTS

log = logging.getLogger(__name__)

EVENT_CLASSES: tuple[type[EventEnvelope], ...] = (
    INTAKE_EVENTS + DISPATCH_EVENTS + SLA_EVENTS + QC_EVENTS + NOTIFY_EVENTS
)
EVENT_TYPES: frozenset[str] = frozenset(
    cls.model_fields["event_type"].default for cls in EVENT_CLASSES
)

# Built from the per-producer tuples, so adding an event never means editing this module.
Event: Any = Annotated[Union[EVENT_CLASSES], Field(discriminator="event_type")]  # noqa: UP007
_EVENT: TypeAdapter[EventEnvelope] = TypeAdapter(Event)
_ENVELOPE = TypeAdapter(UnknownEvent)


class MalformedEvent(ValueError):
    """A message of a known event type that does not match its schema: a poison message."""

    def __init__(self, event_type: str | None, error: Exception) -> None:
        super().__init__(f"malformed {event_type or 'event'}: {error}")
        self.event_type = event_type


def encode_event(event: EventEnvelope) -> bytes:
    return event.model_dump_json().encode()


def decode_event(raw: bytes | str) -> EventEnvelope | None:
    """The typed event, or ``None`` (logged) for an event type this build does not know."""
    try:
        envelope = _ENVELOPE.validate_json(raw)
    except ValidationError as error:
        raise MalformedEvent(None, error) from error
    if envelope.event_type not in EVENT_TYPES:
        log.info(
            "skipping unknown event type",
            extra={"event_type": envelope.event_type, "event_id": str(envelope.event_id)},
        )
        return None
    try:
        return _EVENT.validate_json(raw)
    except ValidationError as error:
        raise MalformedEvent(envelope.event_type, error) from error
