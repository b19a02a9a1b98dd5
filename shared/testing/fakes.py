"""In-memory fakes of the kernel's ports, for unit tests (kept honest by contract tests)."""

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar, Self
from uuid import UUID

from shared.events.envelope import EventEnvelope
from shared.outbox.relay import OutboxMessage, outbox_shard
from shared.tenants import KnownTenant

DEFAULT_NOW = datetime(2026, 3, 7, 16, 30, tzinfo=UTC)


@dataclass
class _Block:
    """What one ``async with`` block did, kept until it commits."""

    repositories: dict[str, dict[str, Any]]
    events: list[EventEnvelope] = field(default_factory=list)
    sent: list[Any] = field(default_factory=list)
    processed: set[tuple[str, str]] = field(default_factory=set)
    committed: bool = False


class FakeUnitOfWork:
    """The kernel's unit of work in memory, with MongoUnitOfWork's semantics (held to them by
    shared/tests/integration/test_unit_of_work_contract.py): events, other messages and
    processed-event records take effect at ``commit``; a block left without it leaves the
    repositories as they were.

    A service's fake names its repositories in ``repositories``; it is its own factory
    (``new_uow=uow``), so a test sees the same repositories after the use case ran."""

    repositories: ClassVar[tuple[str, ...]] = ()

    def __init__(self, now: datetime = DEFAULT_NOW) -> None:
        self.published: list[EventEnvelope] = []
        self.sent: list[Any] = []
        self.processed: set[tuple[str, str]] = set()
        self.commits = 0
        self._now = now
        self._blocks: list[_Block] = []

    def __call__(self) -> Self:
        return self

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> None:
        self._now += delta

    async def __aenter__(self) -> Self:
        state = {name: copy.deepcopy(vars(getattr(self, name))) for name in self.repositories}
        self._blocks.append(_Block(state))
        return self

    async def __aexit__(self, *exc: object) -> None:
        block = self._blocks.pop()
        if block.committed:
            return
        for name, state in block.repositories.items():
            repository = getattr(self, name)
            vars(repository).clear()
            vars(repository).update(state)

    @property
    def _block(self) -> _Block:
        if not self._blocks:
            raise RuntimeError("the unit of work is used outside its 'async with' block")
        return self._blocks[-1]

    async def already_processed(self, consumer: str, event_id: UUID) -> bool:
        key = (consumer, str(event_id))
        if key in self.processed or key in self._block.processed:
            return True
        self._block.processed.add(key)
        return False

    def publish(self, *events: EventEnvelope) -> None:
        self._block.events.extend(events)

    def send(self, message: Any) -> None:
        self._block.sent.append(message)

    async def commit(self) -> None:
        block = self._block
        self.published += block.events
        self.sent += block.sent
        self.processed |= block.processed
        block.events, block.sent, block.processed = [], [], set()
        block.committed = True
        self.commits += 1


@dataclass
class _Row:
    message: OutboxMessage
    sent_at: datetime | None = None
    failures: int = 0
    parked_error: str | None = None


class InMemoryOutboxStore:
    def __init__(self) -> None:
        self._rows: dict[str, _Row] = {}

    def add(self, *messages: OutboxMessage) -> None:
        for message in messages:
            self._rows[message.id] = _Row(message)

    def sent_ids(self) -> list[str]:
        return [i for i, row in self._rows.items() if row.sent_at is not None]

    async def oldest_pending(self, shards: Sequence[int], limit: int) -> list[OutboxMessage]:
        """As MongoOutboxStore: per shard, the oldest pending messages in the order they
        were added."""
        return [
            row.message
            for row in self._rows.values()
            if row.sent_at is None
            and row.parked_error is None
            and outbox_shard(row.message.key) in shards
        ][:limit]

    async def mark_sent(self, ids: Sequence[str], now: datetime) -> None:
        for i in ids:
            row = self._rows[i]
            if row.parked_error is None:
                row.sent_at = now

    async def record_failure(
        self, message_id: str, error: str, now: datetime, park_after: int
    ) -> bool:
        row = self._rows[message_id]
        if row.sent_at is not None or row.parked_error is not None:
            return False
        row.failures += 1
        if row.failures >= park_after:
            row.parked_error = error
        return row.parked_error is not None

    async def parked_count(self) -> int:
        return sum(1 for row in self._rows.values() if row.parked_error is not None)

    def parked(self) -> dict[str, str]:
        return {i: row.parked_error for i, row in self._rows.items() if row.parked_error}


class RecordingPublisher:
    """Records what it publishes; ``refuse`` maps a message id to the error the broker
    gives for it every time, ``fail_next`` fails whole calls as an unreachable broker."""

    def __init__(self) -> None:
        self.published: list[OutboxMessage] = []
        self.fail_next = 0
        self.refuse: dict[str, BaseException] = {}

    async def publish(self, messages: Sequence[OutboxMessage]) -> list[BaseException | None]:
        if self.fail_next:
            self.fail_next -= 1
            raise ConnectionError("broker unavailable")
        results = [self.refuse.get(m.id) for m in messages]
        self.published.extend(m for m, error in zip(messages, results, strict=True) if not error)
        return results


class InMemoryKnownTenants:
    """MongoKnownTenants in memory; ``tickets`` are the tenants the service holds tickets of."""

    def __init__(self) -> None:
        self.rows: dict[str, KnownTenant] = {}
        self.tickets: set[str] = set()

    async def get(self, tenant_id: str) -> KnownTenant | None:
        return self.rows.get(tenant_id)

    async def save(self, tenant: KnownTenant) -> None:
        self.rows[tenant.tenant_id] = tenant

    async def holds_tickets_of(self, tenant_id: str) -> bool:
        return tenant_id in self.tickets


class FakeTenantsUnitOfWork(FakeUnitOfWork):
    """The known-tenants unit of work in memory (its own factory, like every fake here)."""

    repositories = ("known_tenants",)

    def __init__(self, now: datetime = DEFAULT_NOW) -> None:
        super().__init__(now)
        self.known_tenants = InMemoryKnownTenants()
