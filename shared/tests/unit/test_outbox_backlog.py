"""The outbox backlog as health and metrics see it: the last background count."""

import asyncio
from datetime import UTC, datetime, timedelta

from shared.clock import FakeClock
from shared.metrics import ServiceMetrics, refresh_outbox
from shared.outbox.backlog import OutboxBacklog

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class Counts:
    def __init__(self, pending: int, parked: int) -> None:
        self.pending, self.parked = pending, parked
        self.counted = 0

    async def pending_count(self) -> int:
        self.counted += 1
        return self.pending

    async def parked_count(self) -> int:
        return self.parked


async def test_a_count_is_shown_and_fails_only_above_its_limit():
    backlog = OutboxBacklog(Counts(pending=3, parked=0), FakeClock(START), interval_s=5)
    await backlog.count()

    assert await backlog.probe("pending", 3)() == (True, "3 pending (at most 3)")
    assert await backlog.probe("pending", 2)() == (False, "3 pending (at most 2)")
    assert await backlog.probe("parked", 0)() == (True, "0 parked (at most 0)")


async def test_nothing_counted_yet_is_unready():
    backlog = OutboxBacklog(Counts(0, 0), FakeClock(START), interval_s=5)

    assert await backlog.probe("pending", 10)() == (False, "not counted yet")


async def test_a_count_older_than_three_intervals_is_not_trusted():
    clock = FakeClock(START)
    backlog = OutboxBacklog(Counts(0, 0), clock, interval_s=5)
    await backlog.count()
    clock.advance(timedelta(seconds=15))
    fresh = await backlog.probe("pending", 10)()
    clock.advance(timedelta(seconds=1))

    assert fresh == (True, "0 pending (at most 10)")
    assert await backlog.probe("pending", 10)() == (False, f"last counted at {START.isoformat()}")


async def test_the_loop_counts_every_interval_until_stopped():
    counts = Counts(7, 1)
    backlog = OutboxBacklog(counts, FakeClock(START), interval_s=0.01)
    stop = asyncio.Event()
    task = asyncio.create_task(backlog.run(stop))
    await asyncio.sleep(0.1)
    stop.set()
    await asyncio.wait_for(task, 1)

    assert counts.counted >= 2
    assert backlog.last is not None
    assert (backlog.last.pending, backlog.last.parked) == (7, 1)


async def test_metrics_show_the_last_count_without_counting_again():
    counts = Counts(pending=12, parked=2)
    backlog = OutboxBacklog(counts, FakeClock(START), interval_s=5)
    metrics = ServiceMetrics.create()
    await refresh_outbox(metrics, backlog)
    unset = metrics.registry.get_sample_value("ticketflow_outbox_messages", {"state": "pending"})
    await backlog.count()
    await refresh_outbox(metrics, backlog)

    assert unset is None
    assert counts.counted == 1
    sample = metrics.registry.get_sample_value
    assert sample("ticketflow_outbox_messages", {"state": "pending"}) == 12
    assert sample("ticketflow_outbox_messages", {"state": "parked"}) == 2
