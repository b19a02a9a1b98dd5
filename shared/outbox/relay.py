"""The outbox relay: reads the oldest pending messages, publishes them, marks them sent.

Several relays (one per service replica) may run at once. Messages are split into
``OUTBOX_SHARDS`` shards by their key (the ticket id), and a shard is published by one
relay at a time: each relay leases a fair share of the shards (see
:mod:`shared.mongo.leases`) and publishes, per shard, the *oldest* pending messages in
commit order. So a ticket's events go out in the order they were committed, never a later
one before an earlier one: whatever a relay publishes starts at the oldest unsent message
of its shards. A relay that dies mid-batch only delays its shards until their leases run
out; the next owner republishes from the oldest unsent message. Two relays that briefly
overlap (a shard lease expired mid-publish, a rebalance) send the same ordered prefix
twice, which keeps every event's first copy in order, and consumers dedup by event id.

Messages carry no lease of their own: the shard's is the only one. Leasing each message too
would only spare those overlaps their duplicates, and it cost an update of every message
before publishing it — on SecantusDB as much as marking it sent."""

import asyncio
import contextlib
import logging
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from shared.clock import Clock
from shared.failures import is_transient, log_round_failure

log = logging.getLogger(__name__)

# Fixed: every replica must agree on which shard a key is in.
OUTBOX_SHARDS = 16


def outbox_shard(key: bytes) -> int:
    return zlib.crc32(key) % OUTBOX_SHARDS


@dataclass(frozen=True)
class OutboxMessage:
    id: str
    topic: str
    key: bytes
    value: bytes
    headers: Mapping[str, str] = field(default_factory=dict)


class OutboxStore(Protocol):
    async def oldest_pending(self, shards: Sequence[int], limit: int) -> list[OutboxMessage]:
        """Per shard of ``shards``, the oldest pending messages; in commit order."""
        ...

    async def mark_sent(self, ids: Sequence[str], now: datetime) -> None: ...

    async def record_failure(
        self, message_id: str, error: str, now: datetime, park_after: int
    ) -> bool:
        """Count a failed publish of one message; after ``park_after`` failures park it
        (never published again, kept with its error). True if parked."""
        ...

    async def parked_count(self) -> int: ...


# One outcome per message: None once the broker acknowledged it, else why it failed.
PublishResults = Sequence[BaseException | None]


class OutboxPublisher(Protocol):
    async def publish(self, messages: Sequence[OutboxMessage]) -> PublishResults: ...


class ShardOwnership(Protocol):
    async def owned(self, now: datetime) -> list[int]:
        """The shards this relay may publish now (leases claimed or renewed)."""
        ...

    async def release_all(self) -> None: ...


class AllShards:
    """Ownership for a relay that knows it is alone (tests, tools)."""

    async def owned(self, now: datetime) -> list[int]:
        return list(range(OUTBOX_SHARDS))

    async def release_all(self) -> None:
        return None


class OutboxRelay:
    def __init__(
        self,
        store: OutboxStore,
        publisher: OutboxPublisher,
        clock: Clock,
        *,
        shards: ShardOwnership | None = None,
        batch_size: int = 500,
        poll_interval_s: float = 0.5,
        park_after: int = 5,
        linger_s: float = 0.0,
    ) -> None:
        self._store = store
        self._shards = shards or AllShards()
        self._park_after = park_after
        self._publisher = publisher
        self._clock = clock
        self._batch_size = batch_size
        self._poll_interval_s = poll_interval_s
        self._linger_s = linger_s
        self._wakeup = asyncio.Event()

    def wake(self) -> None:
        """Called after a commit that wrote outbox messages, to publish them without delay."""
        self._wakeup.set()

    async def relay_once(self) -> int:
        """Publish one batch; return how many messages were sent.

        A message the broker refuses does not hold back the others: they are marked sent,
        it is released to be tried again, and after ``park_after`` refusals that are not
        transient it is parked with its error (see ``parked_count``) so the relay moves on.
        """
        owned = await self._shards.owned(self._clock.now())
        if not owned:
            return 0
        batch = await self._store.oldest_pending(owned, self._batch_size)
        if not batch:
            return 0
        # A publish that raises leaves the batch pending: the next round sends it again.
        results = await self._publisher.publish(batch)
        sent = [m.id for m, error in zip(batch, results, strict=True) if error is None]
        if sent:
            await self._store.mark_sent(sent, self._clock.now())
        for message, error in zip(batch, results, strict=True):
            if error is not None:
                await self._failed(message, error)
        return len(sent)

    async def _failed(self, message: OutboxMessage, error: BaseException) -> None:
        if is_transient(error):  # still pending: the next round tries it again
            log_round_failure(log, f"publishing outbox message {message.id}", error)
            return
        reason = f"{type(error).__name__}: {error}"
        parked = await self._store.record_failure(
            message.id, reason, self._clock.now(), self._park_after
        )
        log.error(
            "outbox message %s: %s",
            "parked after repeated failures" if parked else "refused by the broker, retrying",
            reason,
            extra={"outbox_id": message.id, "topic": message.topic},
        )

    async def run(self, stop: asyncio.Event) -> None:
        try:
            while not stop.is_set():
                # Cleared before the round, so a commit during the round wakes the next one.
                self._wakeup.clear()
                sent = await self._relay_logging_failures()
                if sent < self._batch_size and await self._idle(stop) and self._linger_s:
                    # Woken by a commit: let the commits right behind it join its round, so
                    # that a service committing one message at a time still sends batches.
                    await asyncio.sleep(self._linger_s)
        finally:
            await asyncio.shield(self._release_shards())

    async def _release_shards(self) -> None:
        try:
            await self._shards.release_all()
        except Exception as error:  # noqa: BLE001 - the leases then simply run out
            log_round_failure(log, "releasing the relay's shard leases", error)

    async def _relay_logging_failures(self) -> int:
        try:
            return await self.relay_once()
        except Exception as error:  # noqa: BLE001 - logged, and retried next round
            # Nothing is lost: the batch stays pending and is retried on the next round.
            log_round_failure(log, "outbox relay round", error)
            return 0

    async def _idle(self, stop: asyncio.Event) -> bool:
        """Wait for a commit, the stop, or the poll interval; True if a commit woke us."""
        waiters = [asyncio.ensure_future(self._wakeup.wait()), asyncio.ensure_future(stop.wait())]
        try:
            await asyncio.wait(
                waiters, timeout=self._poll_interval_s, return_when=asyncio.FIRST_COMPLETED
            )
            return self._wakeup.is_set() and not stop.is_set()
        finally:
            for waiter in waiters:
                waiter.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await waiter
