"""In-memory fakes of the kernel's ports, for unit tests (kept honest by contract tests)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from shared.outbox.relay import OutboxMessage


@dataclass
class _Row:
    message: OutboxMessage
    sent_at: datetime | None = None
    lease_owner: str | None = None
    lease_until: datetime | None = None


class InMemoryOutboxStore:
    def __init__(self) -> None:
        self._rows: dict[str, _Row] = {}

    def add(self, *messages: OutboxMessage) -> None:
        for message in messages:
            self._rows[message.id] = _Row(message)

    def sent_ids(self) -> list[str]:
        return [i for i, row in self._rows.items() if row.sent_at is not None]

    async def claim(
        self, owner: str, now: datetime, lease: timedelta, limit: int
    ) -> list[OutboxMessage]:
        free = [
            row
            for row in self._rows.values()
            if row.sent_at is None and (row.lease_until is None or row.lease_until < now)
        ][:limit]
        for row in free:
            row.lease_owner, row.lease_until = owner, now + lease
        return [row.message for row in free]

    async def mark_sent(self, owner: str, ids: Sequence[str], now: datetime) -> None:
        for i in ids:
            row = self._rows[i]
            if row.lease_owner == owner:
                row.sent_at, row.lease_until = now, None

    async def release(self, owner: str, ids: Sequence[str]) -> None:
        for i in ids:
            row = self._rows[i]
            if row.lease_owner == owner and row.sent_at is None:
                row.lease_owner, row.lease_until = None, None


class RecordingPublisher:
    def __init__(self) -> None:
        self.published: list[OutboxMessage] = []
        self.fail_next = 0

    async def publish(self, messages: Sequence[OutboxMessage]) -> None:
        if self.fail_next:
            self.fail_next -= 1
            raise ConnectionError("broker unavailable")
        self.published.extend(messages)
