"""In-memory stand-ins for the SLA ports, for driving the use cases without servers."""

import copy
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from services.sla.domain.ticket_sla import TicketSla
from shared.clock import FakeClock
from shared.errors import TransientConflict
from shared.events import EventEnvelope
from shared.testing.fakes import FakeUnitOfWork as KernelFakeUnitOfWork


class _Keyed:
    def __init__(self, items: dict[str, Any]) -> None:
        self.items = items

    async def get(self, key: str) -> Any:
        return self.items.get(key)

    async def put(self, key: str, value: Any) -> None:
        self.items[key] = tuple(value) if isinstance(value, list) else value

    async def delete(self, key: str) -> bool:
        return self.items.pop(key, None) is not None


class FakePending:
    def __init__(self, items: list[EventEnvelope]) -> None:
        self.items = items

    async def park(self, event: EventEnvelope) -> None:
        self.items.append(event)

    async def take(self, ticket_id: str) -> list[EventEnvelope]:
        taken = [e for e in self.items if e.ticket_id == ticket_id]
        self.items[:] = [e for e in self.items if e.ticket_id != ticket_id]
        return taken


class FakeTickets:
    def __init__(self, items: dict[str, tuple[TicketSla, datetime | None]]) -> None:
        self.items = items

    async def get(self, ticket_id: str) -> TicketSla | None:
        stored = self.items.get(ticket_id)
        return copy.deepcopy(stored[0]) if stored else None

    async def add(self, sla: TicketSla, next_due_at: datetime | None) -> None:
        assert sla.ticket_id not in self.items
        sla.version = 1
        self.items[sla.ticket_id] = (_stored(sla), next_due_at)

    async def save(self, sla: TicketSla, next_due_at: datetime | None) -> None:
        if self.items[sla.ticket_id][0].version != sla.version:
            raise TransientConflict(sla.ticket_id)
        sla.version += 1
        self.items[sla.ticket_id] = (_stored(sla), next_due_at)

    async def open_ticket_ids(self, tenant_id: str) -> list[str]:
        return [t for t, (s, _) in self.items.items() if s.tenant_id == tenant_id and s.open]


def _stored(sla: TicketSla) -> TicketSla:
    """As a database keeps it: the state, not the events recorded on the way."""
    stored = copy.deepcopy(sla)
    stored.events = []
    return stored


class FakeUnitOfWork(KernelFakeUnitOfWork):
    """SLA's repositories in memory, in the kernel's fake unit of work, on a clock that
    tests move."""

    repositories = ("calendars", "policies", "settings", "tickets", "pending")

    def __init__(self, clock: FakeClock) -> None:
        super().__init__(clock.now())
        self._clock = clock
        self.calendars: _Keyed = _Keyed({})
        self.policies: _Keyed = _Keyed({})
        self.settings: _Keyed = _Keyed({})
        self.tickets = FakeTickets({})
        self.pending = FakePending([])

    def now(self) -> datetime:
        return self._clock.now()


def due_ids(uow: FakeUnitOfWork, now: datetime) -> Sequence[str]:
    due = uow.tickets.items.items()
    return [t for t, (_, at) in due if at is not None and at <= now]
