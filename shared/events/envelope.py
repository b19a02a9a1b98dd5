"""The event envelope every service publishes and consumes (SPEC §3)."""

from datetime import UTC, datetime
from typing import Any, ClassVar
from uuid import UUID, uuid4

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

SCHEMA_VERSION = 1


class Frozen(BaseModel):
    """Base for every value that travels in an event: immutable, no unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Actor(Frozen):
    id: str = Field(min_length=1)
    role: str = Field(min_length=1)


SYSTEM_ACTOR = Actor(id="system", role="system")


class EventEnvelope(Frozen):
    """Common fields of every event; subclasses fix ``event_type`` and type ``payload``.

    ``event_type`` is the discriminator and is always past tense (``ticket.registered``).
    ``topic_attr`` names the :class:`~shared.events.topics.Topics` property the event is
    published on, so a producer never spells a topic by hand; ``keyed_by`` says what its
    Kafka key is (for the AsyncAPI document).
    """

    topic_attr: ClassVar[str]
    keyed_by: ClassVar[str] = "ticket id"

    event_id: UUID = Field(default_factory=uuid4)
    event_type: str
    schema_version: int = SCHEMA_VERSION
    occurred_at: AwareDatetime
    producer: str
    tenant_id: str = Field(min_length=1)
    ticket_id: str = Field(min_length=1)
    actor: Actor = SYSTEM_ACTOR
    correlation_id: str | None = None
    payload: Any

    @field_validator("occurred_at")
    @classmethod
    def _to_utc(cls, value: datetime) -> datetime:
        return value.astimezone(UTC)

    @property
    def key(self) -> bytes:
        """Kafka key: all events of one ticket land on one partition, in order."""
        return self.ticket_id.encode()


class UnknownEvent(Frozen):
    """The envelope of an event type this build does not know: enough to log and skip."""

    model_config = ConfigDict(frozen=True, extra="allow")

    event_id: UUID
    event_type: str
    ticket_id: str | None = None
