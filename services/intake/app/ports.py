"""What the intake use cases need from the outside world."""

from collections.abc import Callable
from datetime import datetime
from types import TracebackType
from typing import Protocol, Self

from services.intake.domain.ticket import Ticket
from shared.events import EventEnvelope


class DuplicateSubmission(Exception):
    """Another registration of the same (tenant, source, external_ref) committed first."""


class TicketRepository(Protocol):
    async def get(self, ticket_id: str) -> Ticket | None: ...

    async def find_by_external_ref(
        self, tenant_id: str, source: str, external_ref: str
    ) -> Ticket | None: ...

    async def add(self, ticket: Ticket) -> None:
        """Raises :class:`DuplicateSubmission` if the external reference is taken."""
        ...


class NumberCounters(Protocol):
    async def next(self, key: str) -> int:
        """The next value of counter ``key``, starting at 1, inside the unit of work."""
        ...


class IntakeUnitOfWork(Protocol):
    @property
    def tickets(self) -> TicketRepository: ...

    @property
    def counters(self) -> NumberCounters: ...

    def now(self) -> datetime: ...

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def publish(self, *events: EventEnvelope) -> None: ...

    async def commit(self) -> None: ...


NewUnitOfWork = Callable[[], IntakeUnitOfWork]
