"""Re-running a use case whose transaction lost a race with a concurrent one."""

import asyncio
import random
from collections.abc import Awaitable, Callable
from typing import TypeVar

from shared.errors import TransientConflict

T = TypeVar("T")
# However many lost, a retry waits at most this long: a contended document (a tenant's
# calendar imported by many at once) needs many quick rounds, not a long sleep.
MAX_BACKOFF_S = 0.5


async def retry_transient(work: Callable[[], Awaitable[T]], attempts: int = 8) -> T:
    for attempt in range(1, attempts + 1):
        try:
            return await work()
        except TransientConflict:
            if attempt == attempts:
                raise
            # Jitter spreads the retries of transactions that collided on one document.
            await asyncio.sleep(random.uniform(0, min(MAX_BACKOFF_S, 0.005 * 2**attempt)))
    raise AssertionError("unreachable")
