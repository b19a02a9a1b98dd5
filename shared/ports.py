"""The port every service's use cases share: one unit of work per use case.

A service's own unit-of-work protocol extends :class:`UnitOfWork` with its repositories;
:class:`shared.mongo.unit_of_work.MongoUnitOfWork` implements this part.
"""

from datetime import datetime
from types import TracebackType
from typing import Protocol, Self
from uuid import UUID

from shared.events.envelope import EventEnvelope


class UnitOfWork(Protocol):
    def now(self) -> datetime: ...

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    async def already_processed(self, consumer: str, event_id: UUID) -> bool:
        """Record that ``consumer`` handles ``event_id``; True if it already did."""
        ...

    def publish(self, *events: EventEnvelope) -> None:
        """Queue events for the outbox; they are written by :meth:`commit`."""
        ...

    async def commit(self) -> None: ...
