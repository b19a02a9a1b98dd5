"""Retargeting a tenant's open tickets after its calendar or policies changed, in the
background and in batches: a change is one small transaction, however many clocks it moves."""

import asyncio
import contextlib
import logging

from services.sla.app.handlers import recompute
from services.sla.app.ports import NewUnitOfWork, RecomputeQueue
from shared.clock import Clock
from shared.failures import log_round_failure
from shared.retry import retry_transient

log = logging.getLogger(__name__)


class RecomputeWorker:
    def __init__(
        self,
        new_uow: NewUnitOfWork,
        queue: RecomputeQueue,
        clock: Clock,
        owner: str,
        *,
        batch_size: int = 200,
        poll_interval_s: float = 1.0,
        lease_s: float = 60.0,
    ) -> None:
        self._new_uow, self._queue, self._clock, self._owner = new_uow, queue, clock, owner
        self._batch_size, self._poll_interval_s, self._lease_s = (
            batch_size, poll_interval_s, lease_s,
        )  # fmt: skip

    async def run_once(self) -> int:
        """One batch of one tenant's job; how many tickets were retargeted."""
        batch = await self._queue.claim(self._owner, self._clock.now(), self._lease_s)
        if batch is None:
            return 0
        async with self._new_uow() as uow:
            ids = await uow.tickets.open_ticket_ids(batch.tenant_id, batch.after, self._batch_size)
        for ticket_id in ids:
            await retry_transient(lambda t=ticket_id: recompute(t, self._new_uow))  # type: ignore[misc]
        last = ids[-1] if len(ids) == self._batch_size else None
        await self._queue.advance(batch, last, len(ids), self._clock.now())
        return len(ids)

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                done = await self.run_once()
            except Exception as error:  # noqa: BLE001 - logged; the job's lease runs out
                log_round_failure(log, "SLA recompute batch", error)
                done = 0
            if done < self._batch_size:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), self._poll_interval_s)
