"""The timer loop: fire every ticket whose next due instant has passed, on owned shards."""

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import UTC, datetime

from services.sla.app.handlers import fire_due
from services.sla.app.ports import DueTimers, NewUnitOfWork, ShardOwnership
from shared.clock import Clock
from shared.failures import log_round_failure
from shared.retry import retry_transient

log = logging.getLogger(__name__)


class TimerScheduler:
    def __init__(
        self,
        new_uow: NewUnitOfWork,
        timers: DueTimers,
        shards: ShardOwnership,
        clock: Clock,
        poll_interval_s: float,
        batch_size: int,
        concurrency: int = 8,
        lateness: Callable[[float], None] = lambda seconds: None,
    ) -> None:
        self._lateness = lateness
        self._new_uow, self._timers, self._shards = new_uow, timers, shards
        self._clock, self._poll_interval_s, self._batch_size = clock, poll_interval_s, batch_size
        self._slots = asyncio.Semaphore(concurrency)

    async def fire_once(self) -> int:
        """One round: fire up to a batch of due tickets; how many were due."""
        now = self._clock.now()
        owned = await self._shards.owned(now)
        due = await self._timers.due(owned, now, self._batch_size)
        for timer in due:
            self._lateness(max(0.0, (now - _utc(timer.due_at)).total_seconds()))
        # Tickets are independent documents: fire them side by side, a few at a time.
        results = await asyncio.gather(
            *(self._fire(t.ticket_id) for t in due), return_exceptions=True
        )
        failures = [r for r in results if isinstance(r, BaseException)]
        if failures:
            raise failures[0]
        return len(due)

    async def _fire(self, ticket_id: str) -> None:
        async with self._slots:
            await retry_transient(lambda: fire_due(ticket_id, self._new_uow))

    async def run(self, stop: asyncio.Event) -> None:
        try:
            while not stop.is_set():
                fired = await self._round_logging_failures()
                if fired < self._batch_size:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(stop.wait(), self._poll_interval_s)
        finally:
            await self._shards.release_all()

    async def _round_logging_failures(self) -> int:
        try:
            return await self.fire_once()
        except Exception as error:  # noqa: BLE001 - logged, and retried next round
            # Nothing is lost: the timers stay due in the index and the next round retries.
            log_round_failure(log, "SLA timer round", error)
            return 0


def _utc(instant: datetime) -> datetime:
    # Mongo hands back naive UTC unless the client is tz-aware.
    return instant if instant.tzinfo else instant.replace(tzinfo=UTC)
