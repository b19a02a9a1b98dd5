"""Event schemas (SPEC §3): the envelope, typed payloads and topic names.

Import the payload classes from their producer's module (``shared.events.intake``,
``shared.events.dispatch``, ``shared.events.sla``); the most used ones are re-exported here.
"""

from shared.events.codec import (
    EVENT_CLASSES,
    EVENT_TYPES,
    Event,
    MalformedEvent,
    decode_event,
    encode_event,
)
from shared.events.dispatch import TicketAssigned, TicketAssignedPayload
from shared.events.envelope import SCHEMA_VERSION, SYSTEM_ACTOR, Actor, EventEnvelope, Frozen
from shared.events.intake import (
    FieldError,
    SubmissionRejected,
    SubmissionRejectedPayload,
    TicketRegistered,
    TicketRegisteredPayload,
)
from shared.events.topics import Topics, dead_letter_topic

__all__ = [
    "EVENT_CLASSES",
    "EVENT_TYPES",
    "SCHEMA_VERSION",
    "SYSTEM_ACTOR",
    "Actor",
    "Event",
    "EventEnvelope",
    "FieldError",
    "Frozen",
    "MalformedEvent",
    "SubmissionRejected",
    "SubmissionRejectedPayload",
    "TicketAssigned",
    "TicketAssignedPayload",
    "TicketRegistered",
    "TicketRegisteredPayload",
    "Topics",
    "dead_letter_topic",
    "decode_event",
    "encode_event",
]
