"""Two relays over one outbox: every ticket's events go out in commit order, even when the
commits interleave and a lease runs out while a relay is still publishing."""

import asyncio
import json
import random
from datetime import UTC, datetime, timedelta

import pytest

from shared.clock import FakeClock
from shared.events import TicketAssigned, TicketAssignedPayload, Topics
from shared.mongo.indexes import ensure_indexes
from shared.mongo.leases import MongoShardLeases
from shared.mongo.outbox_store import OUTBOX, RELAY_LEASES, MongoOutboxStore
from shared.mongo.unit_of_work import MongoUnitOfWork
from shared.outbox.relay import OUTBOX_SHARDS, OutboxRelay, outbox_shard

LEASE = timedelta(seconds=30)
T0 = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)
TICKETS, EVENTS_EACH = 30, 3


class SharedWire:
    """What reaches Kafka, in arrival order, from any relay; one relay can be made to hang."""

    def __init__(self):
        self.arrived = []
        self.hang = {}

    def publisher(self, name):
        wire = self

        class Publisher:
            async def publish(self, messages):
                gate = wire.hang.pop(name, None)
                if gate is not None:
                    await gate.wait()
                wire.arrived.extend(m.key + b"/" + m.value for m in messages)
                return [None] * len(messages)

        return Publisher()

    def first_arrivals(self):
        seen, order = set(), []
        for item in self.arrived:
            if item not in seen:
                seen.add(item)
                order.append(item)
        return order


def interleaved_commits(rng):
    """Per ticket e0 < e1 < e2 in commit order; tickets interleave at random."""
    queue = [f"t{t:02d}" for t in range(TICKETS) for _ in range(EVENTS_EACH)]
    rng.shuffle(queue)
    counts: dict[str, int] = {}
    docs = []
    for i, ticket in enumerate(queue):
        n = counts.get(ticket, 0)
        counts[ticket] = n + 1
        key = ticket.encode()
        docs.append(
            {"_id": f"{ticket}-e{n}", "topic": "t", "key": key, "value": f"e{n}".encode(),
             "headers": {}, "state": "pending", "shard": outbox_shard(key),
             "created_at": T0 + timedelta(milliseconds=i), "position": 0}
        )  # fmt: skip
    rng.shuffle(docs)  # the order the documents were written in says nothing
    return docs


def relay(db, clock, wire, name, batch_size=7):
    leases = MongoShardLeases(db, name, OUTBOX_SHARDS, LEASE, RELAY_LEASES)
    return OutboxRelay(
        MongoOutboxStore(db), wire.publisher(name), clock, shards=leases,
        batch_size=batch_size,
    )  # fmt: skip


def assert_commit_order_per_ticket(wire):
    per_ticket: dict[bytes, list[bytes]] = {}
    for item in wire.first_arrivals():
        ticket, event = item.split(b"/")
        per_ticket.setdefault(ticket, []).append(event)
    assert len(per_ticket) == TICKETS
    assert set(map(tuple, per_ticket.values())) == {(b"e0", b"e1", b"e2")}


@pytest.fixture
async def db(mongo_client, namespace):
    database = mongo_client[f"{namespace}_relays"]
    await ensure_indexes(database, {})
    yield database
    await mongo_client.drop_database(database.name)


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_two_relays_publish_each_ticket_in_commit_order(db, seed):
    clock, wire = FakeClock(T0), SharedWire()
    await db[OUTBOX].insert_many(interleaved_commits(random.Random(seed)))
    a, b = relay(db, clock, wire, "a"), relay(db, clock, wire, "b")
    for _ in range(200):
        await a.relay_once()
        await b.relay_once()
        clock.advance(LEASE / 5)
        if await db[OUTBOX].count_documents({"state": "pending"}) == 0:
            break
    assert await db[OUTBOX].count_documents({"state": "sent"}) == TICKETS * EVENTS_EACH
    owners = {
        d["owner"] async for d in db[RELAY_LEASES[1]].find({"lease_until": {"$gt": clock.now()}})
    }
    assert owners == {"a", "b"}  # they did split the shards
    assert_commit_order_per_ticket(wire)


async def test_a_lease_that_runs_out_mid_publish_keeps_every_ticket_in_order(db):
    clock, wire = FakeClock(T0), SharedWire()
    await db[OUTBOX].insert_many(interleaved_commits(random.Random(7)))
    # b takes bigger batches: it reaches past what a is still publishing
    a, b = relay(db, clock, wire, "a"), relay(db, clock, wire, "b", batch_size=50)
    await a.relay_once()  # a owns every shard (leases until T0+30s) and sends a batch
    clock.advance(timedelta(seconds=9))
    gate = asyncio.Event()
    wire.hang["a"] = gate
    stalled = asyncio.create_task(a.relay_once())  # reads a batch, hangs publishing it
    await asyncio.sleep(0.2)
    # a's shard leases ran out: b owns the shards now and starts at the oldest unsent
    # message of each, a's stalled batch included.
    clock.advance(timedelta(seconds=22))
    for _ in range(100):
        await b.relay_once()
        if await db[OUTBOX].count_documents({"state": "pending"}) == 0:
            break
    gate.set()  # a wakes up and sends its stale batch after b sent everything
    await stalled
    assert await db[OUTBOX].count_documents({"state": "sent"}) == TICKETS * EVENTS_EACH
    assert len(wire.arrived) > TICKETS * EVENTS_EACH  # a's stale batch went out twice
    assert_commit_order_per_ticket(wire)


async def test_a_replica_whose_clock_runs_behind_cannot_put_its_event_first(
    db, mongo_client, namespace
):
    """Replica a commits e0 of a ticket, then replica b (its clock 10 s behind) commits e1
    of the same ticket: the outbox orders e1 after e0, so it is published after it."""
    await ensure_indexes(db, {})
    topics = Topics(namespace)
    ahead, behind = FakeClock(T0 + timedelta(seconds=10)), FakeClock(T0)
    for clock, n in ((ahead, 0), (behind, 1), (behind, 2)):
        async with MongoUnitOfWork(mongo_client, db, topics, clock) as uow:
            uow.publish(numbered("t-1", n), numbered(f"other-{n}", n))
            await uow.commit()
    wire = SharedWire()
    a = relay(db, FakeClock(T0 + timedelta(minutes=1)), wire, "a", batch_size=2)
    while await db[OUTBOX].count_documents({"state": "pending"}):
        await a.relay_once()
    sent = [item.split(b"/", 1) for item in wire.first_arrivals()]
    mine = [json.loads(value)["payload"]["assignee"] for key, value in sent if key == b"t-1"]
    assert mine == ["e0", "e1", "e2"]
    others = await db[OUTBOX].find({"key": {"$ne": b"t-1"}}).to_list()
    assert {d["created_at"].replace(tzinfo=UTC) for d in others if d["key"] == b"other-1"} == {
        T0
    }  # a key with no earlier message keeps its own clock


def numbered(ticket_id: str, n: int) -> TicketAssigned:
    return TicketAssigned(
        occurred_at=T0,
        producer="test",
        tenant_id="acme",
        ticket_id=ticket_id,
        payload=TicketAssignedPayload(assignee=f"e{n}", reason="rule"),
    )
