"""The outbox backlog, counted in the background and read by health and metrics.

Counting the pending messages costs time in proportion to the backlog (a count over a
20,000-message backlog takes ~0.4 s on SecantusDB, far more while the server is busy), so
readiness probes that counted on every request timed out exactly when an outage's backlog
drained, and left a recovering service unready. One loop counts at a fixed interval
instead; a probe reads the last count and fails when the loop has stopped counting.
"""

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from shared.clock import Clock


class OutboxCounts(Protocol):
    async def pending_count(self) -> int: ...

    async def parked_count(self) -> int: ...


@dataclass(frozen=True)
class BacklogCount:
    pending: int
    parked: int
    at: datetime


class OutboxBacklog:
    def __init__(self, outbox: OutboxCounts, clock: Clock, interval_s: float) -> None:
        self._outbox = outbox
        self._clock = clock
        self._interval_s = interval_s
        self.last: BacklogCount | None = None

    async def count(self) -> None:
        pending = await self._outbox.pending_count()
        parked = await self._outbox.parked_count()
        self.last = BacklogCount(pending, parked, self._clock.now())

    async def run(self, stop: asyncio.Event) -> None:
        """Count every interval until ``stop`` (the service counted once as it started); an
        error ends the loop, which makes the service unready."""
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self._interval_s)
            if stop.is_set():
                return
            await self.count()

    def probe(self, field: str, limit: int) -> Callable[[], Awaitable[tuple[bool, object]]]:
        """Readiness of one count: at most ``limit``, counted recently enough to trust."""

        async def check() -> tuple[bool, object]:
            last = self.last
            if last is None:
                return False, "not counted yet"
            if self._clock.now() - last.at > timedelta(seconds=3 * self._interval_s):
                return False, f"last counted at {last.at.isoformat()}"
            n: int = getattr(last, field)
            return n <= limit, f"{n} {field} (at most {limit})"

        return check
