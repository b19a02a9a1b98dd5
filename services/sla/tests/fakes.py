"""In-memory stand-ins for the SLA ports, for driving the use cases without servers."""

import copy
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Self
from uuid import UUID

from services.sla.domain.calendar import Calendar
from services.sla.domain.policy import Policy
from services.sla.domain.ticket_sla import TicketSla
from shared.clock import FakeClock
from shared.errors import TransientConflict
from shared.events import EventEnvelope


class FakeStore:
    """What a committed database would hold."""

    def __init__(self) -> None:
        self.calendars: dict[str, Calendar] = {}
        self.policies: dict[str, tuple[Policy, ...]] = {}
        self.tickets: dict[str, tuple[TicketSla, datetime | None]] = {}
        self.processed: set[tuple[str, UUID]] = set()
        self.pending: list[EventEnvelope] = []
        self.published: list[EventEnvelope] = []


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
        return [t for t, (s, _) in self.items.items() if s.tenant_id == tenant_id and not s.closed]


def _stored(sla: TicketSla) -> TicketSla:
    """As a database keeps it: the state, not the events recorded on the way."""
    stored = copy.deepcopy(sla)
    stored.events = []
    return stored


class FakeUnitOfWork:
    """Changes land in the store only on commit (a copy is worked on meanwhile)."""

    def __init__(self, store: FakeStore, clock: FakeClock) -> None:
        self._store, self._clock = store, clock

    async def __aenter__(self) -> Self:
        self._work = copy.deepcopy(self._store)
        self.calendars = _Keyed(self._work.calendars)
        self.policies = _Keyed(self._work.policies)
        self.tickets = FakeTickets(self._work.tickets)
        self.pending = FakePending(self._work.pending)
        self._events: list[EventEnvelope] = []
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None

    def now(self) -> datetime:
        return self._clock.now()

    async def already_processed(self, consumer: str, event_id: UUID) -> bool:
        if (consumer, event_id) in self._work.processed:
            return True
        self._work.processed.add((consumer, event_id))
        return False

    def publish(self, *events: EventEnvelope) -> None:
        self._events.extend(events)

    async def commit(self) -> None:
        self._work.published.extend(self._events)
        self._store.__dict__.update(self._work.__dict__)


def new_uow_factory(store: FakeStore, clock: FakeClock) -> Any:
    return lambda: FakeUnitOfWork(store, clock)


def due_ids(store: FakeStore, now: datetime) -> Sequence[str]:
    return [t for t, (_, due) in store.tickets.items() if due is not None and due <= now]
