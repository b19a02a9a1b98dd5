"""Several scheduler replicas on one database: shards split fairly, every timer fires once."""

from datetime import UTC, datetime, timedelta

import pytest

from services.sla.bootstrap import TIMER_LEASES, create_app
from services.sla.tests.integration.helpers import configure_tiny_targets, emergency, serving
from shared.events.sla import SlaBreached
from shared.mongo.leases import MongoShardLeases
from shared.testing.apps import running
from shared.testing.kafka import publish_in_order
from shared.testing.recorder import TopicRecorder

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("dropped_after")]

LEASE = timedelta(seconds=10)


async def test_replicas_split_the_shards_and_take_over_a_dead_ones(settings, mongo_client):
    db = mongo_client[settings.mongo_db]
    now = datetime(2026, 3, 2, tzinfo=UTC)
    a, b = (MongoShardLeases(db, name, 8, LEASE, TIMER_LEASES) for name in ("a", "b"))
    alone = await a.owned(now)
    b_first = await b.owned(now + LEASE / 2)  # a still holds everything
    a_shrinks = await a.owned(now + LEASE / 2)  # a sees b and gives back its surplus
    b_grows = await b.owned(now + LEASE / 2 + LEASE / 3)
    assert alone == list(range(8))
    assert b_first == []
    assert len(a_shrinks) == 4
    assert sorted(a_shrinks + b_grows) == list(range(8))
    # a dies (stops renewing); once its leases lapse, b takes every shard over
    b_alone = await b.owned(now + LEASE * 3)
    assert b_alone == list(range(8))


async def test_two_running_replicas_fire_each_breach_once(settings, infra, mongo_client):
    tickets = [emergency(f"rep-{i}") for i in range(12)]
    one = settings.model_copy(update={"replica_id": "one"})
    two = settings.model_copy(update={"replica_id": "two"})
    topics = settings.topics
    async with (
        serving(one) as sla,
        running(create_app(two)),
        TopicRecorder(infra.kafka_bootstrap, topics.sla_events) as out,
    ):
        await configure_tiny_targets(sla, response_seconds=2)
        await publish_in_order(infra.kafka_bootstrap, topics.intake_events, *tickets)
        await out.wait_for(lambda _: sum(isinstance(e, SlaBreached) for e in out.events()) >= 12)
    breached = sorted(e.ticket_id for e in out.events() if isinstance(e, SlaBreached))
    assert breached == sorted(t.ticket_id for t in tickets)
    outbox = mongo_client[settings.mongo_db].outbox
    assert await outbox.count_documents({"headers.event_type": "sla.breached"}) == 12
