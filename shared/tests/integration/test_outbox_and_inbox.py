"""The transactional outbox and the processed-events record, against real Kafka and MongoDB."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pymongo import AsyncMongoClient, monitoring

from shared.clock import FakeClock
from shared.events import TicketAssigned, TicketAssignedPayload, Topics
from shared.kafka.admin import ensure_topics
from shared.kafka.producer import KafkaOutboxPublisher
from shared.mongo.indexes import ensure_indexes
from shared.mongo.outbox_store import OUTBOX, MongoOutboxStore
from shared.mongo.unit_of_work import MongoUnitOfWork
from shared.outbox.relay import OUTBOX_SHARDS, OutboxMessage, OutboxRelay, outbox_shard
from shared.testing.fakes import InMemoryOutboxStore
from shared.testing.recorder import TopicRecorder

T0 = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)


def assigned(ticket_id: str) -> TicketAssigned:
    return TicketAssigned(
        occurred_at=T0,
        producer="test",
        tenant_id="acme",
        ticket_id=ticket_id,
        payload=TicketAssignedPayload(assignee="li.wei", reason="rule"),
    )


@pytest.fixture
async def db(mongo_client, namespace):
    database = mongo_client[namespace]
    await ensure_indexes(database, {})
    yield database
    await mongo_client.drop_database(namespace)


@pytest.fixture
def clock():
    return FakeClock(T0)


@pytest.fixture
async def publisher(infra, namespace):
    await ensure_topics(infra.kafka_bootstrap, [Topics(namespace).dispatch_events])
    p = KafkaOutboxPublisher(infra.kafka_bootstrap, "test")
    await p.start()
    yield p
    await p.stop()


async def write_state_and_event(mongo_client, db, namespace, clock, event) -> None:
    async with MongoUnitOfWork(mongo_client, db, Topics(namespace), clock) as uow:
        await db.state.insert_one({"_id": event.ticket_id}, session=uow.session)
        uow.publish(event)
        await uow.commit()


async def test_state_and_outbox_commit_together_or_not_at_all(mongo_client, db, namespace, clock):
    async with MongoUnitOfWork(mongo_client, db, Topics(namespace), clock) as uow:
        await db.state.insert_one({"_id": "aborted"}, session=uow.session)
        uow.publish(assigned("aborted"))
        # leaving without commit aborts
    await write_state_and_event(mongo_client, db, namespace, clock, assigned("kept"))
    assert [d["_id"] async for d in db.state.find()] == ["kept"]
    outbox = await db[OUTBOX].find().to_list()
    assert [d["headers"]["event_type"] for d in outbox] == ["ticket.assigned"]
    assert outbox[0]["topic"] == f"{namespace}.dispatch.events"


async def test_a_crash_between_commit_and_publish_loses_nothing(
    mongo_client, db, namespace, clock, publisher, infra
):
    event = assigned("t-crash")
    await write_state_and_event(mongo_client, db, namespace, clock, event)
    store = MongoOutboxStore(db)
    # The process that committed read the batch, then died before publishing it.
    assert len(await store.oldest_pending(ALL, 100)) == 1

    restarted = OutboxRelay(store, publisher, clock)
    async with TopicRecorder(infra.kafka_bootstrap, Topics(namespace).dispatch_events) as topic:
        assert await restarted.relay_once() == 1
        events = await topic.wait_for_count(1)
    assert events == [event]
    assert await restarted.relay_once() == 0
    assert await db[OUTBOX].count_documents({"state": "sent"}) == 1


async def test_the_same_event_processed_twice_has_one_effect(mongo_client, db, namespace, clock):
    event = assigned("t-dup")
    effects = []
    for _ in range(2):
        async with MongoUnitOfWork(mongo_client, db, Topics(namespace), clock) as uow:
            if await uow.already_processed("test-consumer", event.event_id):
                effects.append("skipped")
                continue
            await db.effects.insert_one({"event": str(event.event_id)}, session=uow.session)
            await uow.commit()
            effects.append("applied")
    assert effects == ["applied", "skipped"]
    assert await db.effects.count_documents({}) == 1
    # Another consumer of the same event is independent.
    async with MongoUnitOfWork(mongo_client, db, Topics(namespace), clock) as uow:
        assert not await uow.already_processed("other-consumer", event.event_id)


@pytest.fixture(params=["memory", "mongo"])
async def outbox_store(request, db):
    """The outbox store contract runs against the fake and the real store alike."""
    if request.param == "memory":
        store = InMemoryOutboxStore()

        async def add_in_memory(*messages):
            store.add(*messages)

        return store, add_in_memory
    mongo_store = MongoOutboxStore(db)

    async def add(*messages):
        docs = [
            {
                "_id": m.id,
                "topic": m.topic,
                "key": m.key,
                "value": m.value,
                "headers": dict(m.headers),
                "state": "pending",
                "shard": outbox_shard(m.key),
                "created_at": T0,
                "position": i,
            }
            for i, m in enumerate(messages)
        ]
        await db[OUTBOX].insert_many(docs)

    return mongo_store, add


OTHER = next(k for i in range(100) if outbox_shard(k := f"o{i}".encode()) != outbox_shard(b"k"))
ALL = list(range(OUTBOX_SHARDS))


async def test_outbox_store_contract(outbox_store):
    """Per shard, the oldest pending messages in commit order; once marked sent, never
    again; a message somebody read but did not mark stays pending for whoever comes next."""
    store, add = outbox_store
    same = [OutboxMessage(id=f"m{i}", topic="t", key=b"k", value=b"v") for i in range(3)]
    other = OutboxMessage(id="n0", topic="t", key=OTHER, value=b"v")
    await add(*same, other)
    assert [m.id for m in await store.oldest_pending(ALL, 2)] == ["m0", "m1"]
    assert [m.id for m in await store.oldest_pending(ALL, 10)] == ["m0", "m1", "m2", "n0"]
    await store.mark_sent(["m0"], T0)
    assert [m.id for m in await store.oldest_pending(ALL, 10)] == ["m1", "m2", "n0"]
    await store.mark_sent(["m1", "m2", "n0"], T0)
    await store.mark_sent(["m1"], T0)  # a late mark of an overlapping relay: no harm
    assert await store.oldest_pending(ALL, 10) == []


async def test_outbox_store_claims_only_the_shards_asked_for(outbox_store):
    store, add = outbox_store
    await add(
        OutboxMessage(id="m0", topic="t", key=b"k", value=b"v"),
        OutboxMessage(id="n0", topic="t", key=OTHER, value=b"v"),
    )
    claimed = await store.oldest_pending([outbox_shard(OTHER)], 10)
    assert [m.id for m in claimed] == ["n0"]


async def test_outbox_store_parks_after_repeated_failures(outbox_store):
    store, add = outbox_store
    await add(OutboxMessage(id="m0", topic="t", key=b"k", value=b"v"))
    for attempt in (1, 2):
        assert [m.id for m in await store.oldest_pending(ALL, 10)] == ["m0"]
        assert await store.record_failure("m0", "too large", T0, 2) is (attempt == 2)
    assert await store.oldest_pending(ALL, 10) == []
    assert await store.parked_count() == 1


async def test_an_event_too_large_for_the_broker_is_parked_and_the_others_are_published(
    mongo_client, db, namespace, clock, publisher, infra
):
    topic = Topics(namespace).dispatch_events
    await write_state_and_event(mongo_client, db, namespace, clock, assigned("t-small-1"))
    await db[OUTBOX].insert_one(
        {"_id": "huge", "topic": topic, "key": b"t-huge", "value": b"x" * 2_000_000,
         "headers": {}, "state": "pending", "created_at": T0, "position": 0}
    )  # fmt: skip
    await write_state_and_event(mongo_client, db, namespace, clock, assigned("t-small-2"))
    store = MongoOutboxStore(db)
    relay = OutboxRelay(store, publisher, clock, park_after=2)
    async with TopicRecorder(infra.kafka_bootstrap, topic) as recorder:
        assert await relay.relay_once() == 2
        assert await relay.relay_once() == 0  # second refusal: parked
        assert await relay.relay_once() == 0  # nothing left to claim
        events = await recorder.wait_for_count(2)
    assert sorted(e.ticket_id for e in events) == ["t-small-1", "t-small-2"]
    parked = await db[OUTBOX].find_one({"_id": "huge"})
    assert parked["state"] == "parked"
    assert parked["failures"] == 2
    assert "MessageSizeTooLarge" in parked["last_error"]
    assert await store.parked_count() == 1


async def test_a_parked_message_is_listed_replayed_or_purged(db):
    store = MongoOutboxStore(db)
    for i in range(3):
        await db[OUTBOX].insert_one(
            {"_id": f"p{i}", "topic": "t", "key": f"k{i}".encode(), "value": b"v",
             "headers": {"event_type": "ticket.assigned"}, "state": "pending",
             "shard": outbox_shard(f"k{i}".encode()), "created_at": T0, "position": i}
        )  # fmt: skip
        assert await store.record_failure(f"p{i}", f"refused {i}", T0, 1)
    parked = await store.parked(10)
    assert [(m.id, m.key, m.event_type, m.failures) for m in parked] == [
        (f"p{i}", f"k{i}", "ticket.assigned", 1) for i in range(3)
    ]
    assert parked[0].last_error == "refused 0"
    assert await store.unpark(["p1"]) == ["p1"]
    assert [m.id for m in await store.oldest_pending(ALL, 10)] == ["p1"]
    assert sorted(await store.purge_parked([])) == ["p0", "p2"]
    assert (await store.parked_count(), await db[OUTBOX].count_documents({})) == (0, 1)
    assert await store.unpark(["p1", "nope"]) == []  # pending, not parked: left alone


async def test_a_batch_longer_than_one_update_chunk_is_read_and_marked_whole(db):
    store, count = MongoOutboxStore(db), 250  # the updates go in pieces of 100 ids
    docs = [
        {"_id": f"m{i:03d}", "topic": "t", "key": f"k{i}".encode(), "value": b"v",
         "headers": {}, "state": "pending", "shard": outbox_shard(f"k{i}".encode()),
         "created_at": T0, "position": i}
        for i in range(count)
    ]  # fmt: skip
    await db[OUTBOX].insert_many(docs)
    claimed = await store.oldest_pending(ALL, 500)
    assert [m.id for m in claimed] == [d["_id"] for d in docs]
    await store.mark_sent([m.id for m in claimed], T0)
    assert await db[OUTBOX].count_documents({"state": "sent"}) == count
    assert await store.oldest_pending(ALL, 500) == []


class OutboxReads(monitoring.CommandListener):
    """Counts the reads of the outbox collection."""

    def __init__(self) -> None:
        self.finds = 0

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        if event.command_name == "find" and event.command.get("find") == OUTBOX:
            self.finds += 1

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass


async def test_one_commit_of_many_tickets_reads_the_outbox_once_and_keeps_each_order(
    infra, db, namespace
):
    reads = OutboxReads()
    client: AsyncMongoClient[Any] = AsyncMongoClient(infra.mongo_url, event_listeners=[reads])
    watched, topics = client[db.name], Topics(namespace)
    # Two tickets have earlier messages, stamped by a clock 10 s ahead of this one.
    async with MongoUnitOfWork(
        client, watched, topics, FakeClock(T0 + timedelta(seconds=10))
    ) as uow:
        uow.publish(assigned("t-0"), assigned("t-1"))
        await uow.commit()
    reads.finds = 0
    async with MongoUnitOfWork(client, watched, topics, FakeClock(T0)) as uow:
        uow.publish(*(assigned(f"t-{i}") for i in range(50)))
        await uow.commit()
    assert reads.finds == 1
    for ticket in ("t-0", "t-1"):
        stamps = [d["created_at"] async for d in db[OUTBOX].find({"key": ticket.encode()})]
        assert len(stamps) == 2
        assert stamps[0] != stamps[1]
        assert max(stamps) > T0 + timedelta(seconds=10)
    later = await db[OUTBOX].find_one({"key": b"t-7"})
    assert later["created_at"] == T0
    await client.close()
