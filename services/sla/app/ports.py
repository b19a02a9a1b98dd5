"""What the SLA use cases need from the outside world."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from services.sla.domain.calendar import Calendar, PresetDay
from services.sla.domain.policy import Policy, TenantSettings
from services.sla.domain.ticket_sla import TicketSla
from shared.events import EventEnvelope
from shared.ports import UnitOfWork


class CalendarRepository(Protocol):
    async def get(self, tenant_id: str) -> Calendar | None: ...

    async def put(self, tenant_id: str, calendar: Calendar) -> None: ...

    async def delete(self, tenant_id: str) -> bool: ...

    async def with_preset(self) -> list[str]:
        """The tenants whose calendar is based on an official preset."""
        ...


class UnknownPreset(LookupError):
    """No official calendar for that country or subdivision; ``field`` names which."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class HolidayPresets(Protocol):
    """Official calendars: a country's (or subdivision's) public holidays and make-up
    working days of one year, each with its name. Pure data, no I/O."""

    def days(self, country: str, subdivision: str | None, year: int) -> list[PresetDay]:
        """Raises :class:`UnknownPreset` for a country or subdivision it does not know."""
        ...


class PolicyRepository(Protocol):
    async def get(self, tenant_id: str) -> tuple[Policy, ...] | None: ...

    async def put(self, tenant_id: str, policies: Sequence[Policy]) -> None: ...

    async def delete(self, tenant_id: str) -> bool: ...


class SettingsRepository(Protocol):
    async def get(self, tenant_id: str) -> TenantSettings | None: ...

    async def put(self, tenant_id: str, settings: TenantSettings) -> None: ...

    async def delete(self, tenant_id: str) -> bool: ...


class TicketSlaRepository(Protocol):
    async def get(self, ticket_id: str) -> TicketSla | None: ...

    async def add(self, sla: TicketSla, next_due_at: datetime | None) -> None: ...

    async def save(self, sla: TicketSla, next_due_at: datetime | None) -> None:
        """Store ``sla`` with its next timer; TransientConflict if it changed meanwhile."""

    async def open_ticket_ids(self, tenant_id: str, after: str = "", limit: int = 0) -> list[str]:
        """Open tickets of the tenant by id, those after ``after``; at most ``limit`` (0: all)."""
        ...

    async def count_open(self, tenant_id: str) -> int: ...


class PendingEventRepository(Protocol):
    """Dispatch events that arrived before their ticket's registration, kept in order."""

    async def park(self, event: EventEnvelope) -> None: ...

    async def take(self, ticket_id: str) -> list[EventEnvelope]:
        """The parked events of ``ticket_id`` in arrival order, removed from the store."""
        ...


class RecomputeJobs(Protocol):
    """Per tenant, open tickets to retarget after its calendar or policies changed.

    A change bumps the tenant's generation and starts over from the first ticket, so a
    change in the middle of a run still reaches every ticket."""

    async def request(self, tenant_id: str, now: datetime) -> None: ...


class SlaUnitOfWork(UnitOfWork, Protocol):
    @property
    def calendars(self) -> CalendarRepository: ...

    @property
    def policies(self) -> PolicyRepository: ...

    @property
    def settings(self) -> SettingsRepository: ...

    @property
    def tickets(self) -> TicketSlaRepository: ...

    @property
    def pending(self) -> PendingEventRepository: ...

    @property
    def recompute_jobs(self) -> RecomputeJobs: ...


NewUnitOfWork = Callable[[], SlaUnitOfWork]


@dataclass(frozen=True)
class DueTimer:
    ticket_id: str
    due_at: datetime


class DueTimers(Protocol):
    """The due-instant index, read outside any transaction by the scheduler."""

    async def due(self, shards: Sequence[int], now: datetime, limit: int) -> list[DueTimer]: ...


class ShardOwnership(Protocol):
    async def owned(self, now: datetime) -> list[int]:
        """The timer shards this replica may fire now (leases claimed or renewed)."""
        ...

    async def release_all(self) -> None: ...


@dataclass(frozen=True)
class RecomputeBatch:
    """A claimed recompute job: its tenant, the change it is for, where it stands."""

    tenant_id: str
    generation: int
    after: str
    owner: str


class RecomputeQueue(Protocol):
    """Claiming and advancing recompute jobs, outside any transaction (background worker)."""

    async def claim(self, owner: str, now: datetime, lease_s: float) -> RecomputeBatch | None: ...

    async def advance(
        self, batch: RecomputeBatch, last: str | None, done: int, now: datetime
    ) -> None:
        """Record progress up to ``last`` (None: finished) unless a newer change restarted
        the job meanwhile; give the lease back."""
        ...

    async def status(self, tenant_id: str) -> dict[str, object] | None: ...
