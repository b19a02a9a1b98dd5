"""The outbox relay: claims pending messages, publishes them, marks them sent.

Several relays (one per service replica) may run at once: a claim is a lease, so a batch
is published by one relay at a time, and a relay that dies mid-batch only delays its
messages until the lease runs out, after which another relay republishes them. Consumers
dedup by event id, so a message published twice has one effect.
"""

import asyncio
import contextlib
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol
from uuid import uuid4

from shared.clock import Clock
from shared.failures import log_round_failure

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OutboxMessage:
    id: str
    topic: str
    key: bytes
    value: bytes
    headers: Mapping[str, str] = field(default_factory=dict)


class OutboxStore(Protocol):
    async def claim(
        self, owner: str, now: datetime, lease: timedelta, limit: int
    ) -> list[OutboxMessage]:
        """Oldest pending messages not leased by anyone else, now leased to ``owner``."""
        ...

    async def mark_sent(self, owner: str, ids: Sequence[str], now: datetime) -> None: ...

    async def release(self, owner: str, ids: Sequence[str]) -> None:
        """Give up a lease early so that the messages are retried without waiting."""
        ...


class OutboxPublisher(Protocol):
    async def publish(self, messages: Sequence[OutboxMessage]) -> None: ...


class OutboxRelay:
    def __init__(
        self,
        store: OutboxStore,
        publisher: OutboxPublisher,
        clock: Clock,
        *,
        batch_size: int = 500,
        lease: timedelta = timedelta(seconds=30),
        poll_interval_s: float = 0.5,
    ) -> None:
        self._store = store
        self._publisher = publisher
        self._clock = clock
        self._batch_size = batch_size
        self._lease = lease
        self._poll_interval_s = poll_interval_s
        self._wakeup = asyncio.Event()
        self.owner = f"relay-{uuid4().hex[:12]}"

    def wake(self) -> None:
        """Called after a commit that wrote outbox messages, to publish them without delay."""
        self._wakeup.set()

    async def relay_once(self) -> int:
        """Publish one batch; return how many messages were sent."""
        batch = await self._store.claim(
            self.owner, self._clock.now(), self._lease, self._batch_size
        )
        if not batch:
            return 0
        ids = [m.id for m in batch]
        try:
            await self._publisher.publish(batch)
        except BaseException:
            await asyncio.shield(self._store.release(self.owner, ids))
            raise
        await self._store.mark_sent(self.owner, ids, self._clock.now())
        return len(batch)

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            # Cleared before the round, so a commit during the round still wakes the next one.
            self._wakeup.clear()
            sent = await self._relay_logging_failures()
            if sent < self._batch_size:
                await self._idle(stop)

    async def _relay_logging_failures(self) -> int:
        try:
            return await self.relay_once()
        except Exception as error:  # noqa: BLE001 - logged, and retried next round
            # Nothing is lost: the batch stays pending and is retried on the next round.
            log_round_failure(log, "outbox relay round", error)
            return 0

    async def _idle(self, stop: asyncio.Event) -> None:
        waiters = [asyncio.ensure_future(self._wakeup.wait()), asyncio.ensure_future(stop.wait())]
        try:
            await asyncio.wait(
                waiters, timeout=self._poll_interval_s, return_when=asyncio.FIRST_COMPLETED
            )
        finally:
            for waiter in waiters:
                waiter.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await waiter
