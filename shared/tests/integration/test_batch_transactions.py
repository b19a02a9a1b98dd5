"""Batch consumption on a real MongoDB: one transaction per batch, exactly-once effects."""

import json
from datetime import UTC, datetime
from functools import partial
from uuid import UUID, uuid4

import pytest

from shared.clock import FakeClock
from shared.errors import SharedTransactionAborted
from shared.events import TicketAssigned, TicketAssignedPayload, Topics
from shared.kafka.batches import BatchDelivery
from shared.kafka.delivery import InboundMessage, ReliableDelivery, RetryPolicy
from shared.mongo.indexes import ensure_indexes
from shared.mongo.outbox_store import OUTBOX
from shared.mongo.unit_of_work import PROCESSED_EVENTS, MongoUnitOfWork, TransactionScope

T0 = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)
POLICY = RetryPolicy(max_attempts=2, initial_backoff_s=0.01, max_backoff_s=0.01)


class Sink:
    def __init__(self):
        self.sent = []

    async def send(self, message, error, attempts):
        self.sent.append(message.value)


async def no_sleep(seconds):
    return None


@pytest.fixture
async def db(mongo_client, namespace):
    database = mongo_client[f"{namespace}_batches"]
    await ensure_indexes(database, {})
    yield database
    await mongo_client.drop_database(database.name)


def wiring(mongo_client, db, namespace):
    topics, clock = Topics(namespace), FakeClock(T0)
    scope = TransactionScope(mongo_client, db, clock)
    new_uow = partial(MongoUnitOfWork, mongo_client, db, topics, clock, scope=scope)

    async def handle(message: InboundMessage) -> None:
        event_id, ticket = message.value.decode().split(":")
        if ticket == "poison":
            raise ValueError("can never be handled")
        async with new_uow() as uow:
            if await uow.already_processed("test", UUID(event_id)):
                return
            await uow.db["effects"].update_one(
                {"_id": ticket}, {"$inc": {"times": 1}}, upsert=True, session=uow.session
            )
            uow.publish(assigned(ticket, by=f"m{message.offset}"))
            await uow.commit()

    sink = Sink()
    single = ReliableDelivery(handle, POLICY, sink, no_sleep)
    return BatchDelivery(handle, scope, single, POLICY, no_sleep), sink, new_uow, scope


def assigned(ticket_id: str, by: str) -> TicketAssigned:
    return TicketAssigned(
        occurred_at=T0, producer="test", tenant_id="acme", ticket_id=ticket_id,
        payload=TicketAssignedPayload(assignee=by, reason="rule"),
    )  # fmt: skip


def batch(pairs: list[tuple[str, str]], ids_in_headers: bool = False) -> list[InboundMessage]:
    """``ids_in_headers``: as the relay publishes events, with their id in a header."""
    messages = []
    for i, (event_id, ticket) in enumerate(pairs):
        headers = {"event_id": event_id.encode()} if ids_in_headers else {}
        value = f"{event_id}:{ticket}".encode()
        messages.append(InboundMessage("t", 0, i, ticket.encode(), value, headers))
    return messages


async def effects(db) -> dict[str, int]:
    return {d["_id"]: d["times"] async for d in db["effects"].find()}


@pytest.mark.parametrize("ids_in_headers", [True, False], ids=["ids-known", "ids-unknown"])
async def test_a_redelivered_batch_and_a_duplicate_inside_one_have_no_second_effect(
    mongo_client, db, namespace, ids_in_headers
):
    deliver, sink, _, _ = wiring(mongo_client, db, namespace)
    pairs = [(str(uuid4()), f"t{i}") for i in range(20)]
    # Three events twice in the same batch, then the whole batch again, as after a crash
    # before the offsets were committed, and half of it with ten new events.
    await deliver(batch(pairs + pairs[:3], ids_in_headers))
    await deliver(batch(pairs, ids_in_headers))
    more = [(str(uuid4()), f"t{i}") for i in range(20, 30)]
    await deliver(batch(pairs[10:] + more, ids_in_headers))
    assert await effects(db) == {f"t{i}": 1 for i in range(30)}
    assert await db[PROCESSED_EVENTS].count_documents({}) == 30
    assert await db[OUTBOX].count_documents({}) == 30
    assert sink.sent == []


async def test_a_batch_with_one_poison_event_commits_the_others(mongo_client, db, namespace):
    deliver, sink, _, _ = wiring(mongo_client, db, namespace)
    pairs = [(str(uuid4()), f"t{i}") for i in range(10)]
    poison = (str(uuid4()), "poison")
    await deliver(batch([*pairs[:6], poison, *pairs[6:]]))
    assert await effects(db) == {f"t{i}": 1 for i in range(10)}
    assert await db[OUTBOX].count_documents({}) == 10
    assert sink.sent == [f"{poison[0]}:poison".encode()]


async def test_a_transient_error_inside_a_batch_aborts_the_batch_not_just_its_use_case(
    mongo_client, db, namespace
):
    _, _, new_uow, scope = wiring(mongo_client, db, namespace)
    await db["effects"].insert_one({"_id": "contended", "times": 0})

    async def lose_a_race() -> None:
        async with scope.shared(), new_uow() as uow:
            await uow.db["effects"].find_one({"_id": "contended"}, session=uow.session)
            # Another transaction changes the document after this one's snapshot.
            async with MongoUnitOfWork(mongo_client, db, Topics(namespace), FakeClock(T0)) as other:
                await other.db["effects"].update_one(
                    {"_id": "contended"}, {"$inc": {"times": 10}}, session=other.session
                )
                await other.commit()
            await uow.db["effects"].update_one(
                {"_id": "contended"}, {"$inc": {"times": 1}}, session=uow.session
            )

    with pytest.raises(SharedTransactionAborted):
        await lose_a_race()
    assert await effects(db) == {"contended": 10}


async def test_a_tickets_events_from_one_batch_keep_their_order_in_the_outbox(
    mongo_client, db, namespace
):
    deliver, _, _, _ = wiring(mongo_client, db, namespace)
    pairs = [(str(uuid4()), ticket) for ticket in ("a", "b", "a", "c", "a", "b")]
    await deliver(batch(pairs))
    cursor = db[OUTBOX].find().sort([("created_at", 1), ("position", 1)])
    order = [json.loads(d["value"])["payload"]["assignee"] async for d in cursor]
    assert order == [f"m{offset}" for offset in range(6)]
