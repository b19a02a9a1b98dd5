"""A calendar or policy change retargets open tickets in the background, in batches, and a
change in the middle of a run starts it over so every ticket gets the newest rules."""

from datetime import UTC, datetime
from functools import partial

import pytest

from services.sla.adapters.mongo import INDEXES, MongoRecomputeQueue, SlaMongoUnitOfWork
from services.sla.app import admin
from services.sla.app.recompute import RecomputeWorker
from services.sla.domain.calendar import always_open
from services.sla.domain.policy import Policy, Target, TicketFacts
from services.sla.domain.ticket_sla import TicketSla
from shared.clock import FakeClock
from shared.events import Topics
from shared.events.sla import SlaMetric
from shared.events.vocabulary import Priority, Severity, TicketStatus, TicketType
from shared.mongo.indexes import ensure_indexes

pytestmark = pytest.mark.usefixtures("dropped_after")
T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)
FACTS = TicketFacts(TicketType.INCIDENT, Severity.NORMAL, Priority.P3)


def policy(hours):
    return Policy("p", (Target(SlaMetric.RESOLUTION, hours * 3600),))


async def open_tickets(new_uow, count):
    for i in range(count):
        async with new_uow() as uow:
            sla = TicketSla.register(f"t-{i:03d}", "acme", FACTS, T0, TicketStatus.ASSIGNED)
            sla.apply_policy(policy(4), always_open())
            await uow.tickets.add(sla, None)
            await uow.commit()


async def targets(new_uow, count):
    found = set()
    for i in range(count):
        async with new_uow() as uow:
            sla = await uow.tickets.get(f"t-{i:03d}")
            found.add(sla.clocks[SlaMetric.RESOLUTION].target_seconds)
    return found


async def test_a_policy_change_is_applied_in_batches_and_a_second_change_starts_over(
    settings, mongo_client
):
    db = mongo_client[settings.mongo_db]
    await ensure_indexes(db, INDEXES)
    clock = FakeClock(T0)
    new_uow = partial(SlaMongoUnitOfWork, mongo_client, db, Topics(settings.topic_namespace),
                      clock, shards=4)  # fmt: skip
    queue = MongoRecomputeQueue(db)
    worker = RecomputeWorker(new_uow, queue, clock, "w", batch_size=10)
    await open_tickets(new_uow, 25)
    assert await admin.put_calendar("acme", always_open(), new_uow) == 25
    await admin.put_policies("acme", [policy(8)], new_uow)
    first = await worker.run_once()
    await admin.put_policies("acme", [policy(2)], new_uow)  # mid-run: start over
    rounds = [await worker.run_once() for _ in range(4)]
    status = await queue.status("acme")
    assert first == 10
    assert rounds == [10, 10, 5, 0]
    assert await targets(new_uow, 25) == {2 * 3600}
    assert status is not None
    assert (status["pending"], status["generation"]) == (False, 3)
