import asyncio
from datetime import UTC, datetime

import pytest
from aiokafka.errors import KafkaTimeoutError, MessageSizeTooLargeError

from shared.clock import FakeClock
from shared.outbox.relay import OUTBOX_SHARDS, OutboxMessage, OutboxRelay
from shared.testing.fakes import InMemoryOutboxStore, RecordingPublisher

ALL = list(range(OUTBOX_SHARDS))


def message(i: int) -> OutboxMessage:
    return OutboxMessage(id=f"m{i}", topic="t", key=b"k", value=f"v{i}".encode())


@pytest.fixture
def clock():
    return FakeClock(datetime(2026, 1, 1, tzinfo=UTC))


def relay(store, publisher, clock, batch_size=10):
    return OutboxRelay(store, publisher, clock, batch_size=batch_size)


async def test_pending_messages_are_published_in_order_and_marked_sent(clock):
    store, publisher = InMemoryOutboxStore(), RecordingPublisher()
    store.add(*(message(i) for i in range(3)))
    assert await relay(store, publisher, clock).relay_once() == 3
    assert [m.id for m in publisher.published] == ["m0", "m1", "m2"]
    assert store.sent_ids() == ["m0", "m1", "m2"]
    assert await relay(store, publisher, clock).relay_once() == 0


async def test_batches_are_bounded(clock):
    store, publisher = InMemoryOutboxStore(), RecordingPublisher()
    store.add(*(message(i) for i in range(5)))
    r = relay(store, publisher, clock, batch_size=2)
    assert [await r.relay_once() for _ in range(4)] == [2, 2, 1, 0]


async def test_a_failed_publish_leaves_the_batch_for_the_next_round(clock):
    store, publisher = InMemoryOutboxStore(), RecordingPublisher()
    store.add(message(1))
    publisher.fail_next = 1
    r = relay(store, publisher, clock)
    with pytest.raises(ConnectionError):
        await r.relay_once()
    assert store.sent_ids() == []
    assert await r.relay_once() == 1
    assert [m.id for m in publisher.published] == ["m1"]


async def test_a_relay_that_died_mid_batch_leaves_it_pending_for_the_next_one(clock):
    store, publisher = InMemoryOutboxStore(), RecordingPublisher()
    store.add(message(1), message(2))
    # The first relay read the batch and died before publishing it: nothing was marked.
    assert [m.id for m in await store.oldest_pending(ALL, 10)] == ["m1", "m2"]
    assert await relay(store, publisher, clock).relay_once() == 2
    assert store.sent_ids() == ["m1", "m2"]


async def test_run_publishes_on_wake_and_stops(clock):
    store, publisher = InMemoryOutboxStore(), RecordingPublisher()
    r = OutboxRelay(store, publisher, clock, poll_interval_s=60)
    stop = asyncio.Event()
    task = asyncio.create_task(r.run(stop))
    await asyncio.sleep(0.01)
    store.add(message(1))
    r.wake()
    for _ in range(100):
        if publisher.published:
            break
        await asyncio.sleep(0.01)
    stop.set()
    await asyncio.wait_for(task, 1)
    assert [m.id for m in publisher.published] == ["m1"]


class BatchRecordingPublisher(RecordingPublisher):
    def __init__(self) -> None:
        super().__init__()
        self.batches: list[list[str]] = []

    async def publish(self, messages):
        self.batches.append([m.id for m in messages])
        return await super().publish(messages)


async def test_commits_right_behind_the_one_that_woke_the_relay_go_out_in_its_round(clock):
    store, publisher = InMemoryOutboxStore(), BatchRecordingPublisher()
    r = OutboxRelay(store, publisher, clock, poll_interval_s=60, linger_s=1.0)
    stop = asyncio.Event()
    task = asyncio.create_task(r.run(stop))
    await asyncio.sleep(0.01)
    store.add(message(1))
    r.wake()
    await asyncio.sleep(0.05)  # the relay is awake now, lingering
    store.add(message(2))
    r.wake()
    for _ in range(300):
        if len(publisher.published) == 2:
            break
        await asyncio.sleep(0.01)
    stop.set()
    await asyncio.wait_for(task, 2)
    assert publisher.batches == [["m1", "m2"]]


async def test_a_message_the_broker_refuses_is_parked_and_the_rest_keep_flowing(clock):
    store, publisher = InMemoryOutboxStore(), RecordingPublisher()
    store.add(*(message(i) for i in range(3)))
    publisher.refuse["m1"] = MessageSizeTooLargeError()
    r = OutboxRelay(store, publisher, clock, batch_size=10, park_after=3)
    assert await r.relay_once() == 2
    assert store.sent_ids() == ["m0", "m2"]
    store.add(message(3))
    rounds = [await r.relay_once() for _ in range(3)]
    assert rounds == [1, 0, 0]  # m3 flows; m1 is retried twice more, then parked
    assert store.sent_ids() == ["m0", "m2", "m3"]
    assert list(store.parked()) == ["m1"]
    assert "MessageSizeTooLargeError" in store.parked()["m1"]
    assert await store.parked_count() == 1
    assert publisher.published.count(message(1)) == 0


async def test_a_transient_refusal_is_retried_and_never_parked(clock):
    store, publisher = InMemoryOutboxStore(), RecordingPublisher()
    store.add(message(1))
    publisher.refuse["m1"] = KafkaTimeoutError()
    r = OutboxRelay(store, publisher, clock, batch_size=10, park_after=2)
    for _ in range(5):
        assert await r.relay_once() == 0
    assert await store.parked_count() == 0
    del publisher.refuse["m1"]
    assert await r.relay_once() == 1
    assert store.sent_ids() == ["m1"]
