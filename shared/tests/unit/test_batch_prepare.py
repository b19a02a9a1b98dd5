"""A handler's batch ``prepare``: awaited inside each attempt's transaction before the
messages, again for each half after a split, never for a lone message."""

from shared.kafka.batches import BatchDelivery
from shared.kafka.delivery import ReliableDelivery
from shared.tests.unit.test_batches import POLICY, Sink, Store, batch, handler_for, no_sleep


class Preparing:
    """A handler that notes each batch it was prepared for, and whether a transaction was
    open then; preparing fails for batches containing ``refuse``."""

    def __init__(self, store, refuse=(), **failures):
        self._store, self._refuse = store, set(refuse)
        self._handle = handler_for(store, **failures)
        self.prepared: list[tuple[list[str], bool]] = []

    async def prepare(self, messages):
        values = [m.value.decode() for m in messages]
        self.prepared.append((values, self._store.pending is not None))
        if self._refuse & set(values):
            raise RuntimeError("cannot prepare this batch")

    async def __call__(self, message):
        await self._handle(message)


def deliver(store, handler, sink):
    single = ReliableDelivery(handler, POLICY, sink, no_sleep)
    return BatchDelivery(handler, store, single, POLICY, no_sleep)


async def test_a_batch_is_prepared_once_inside_its_transaction():
    store, sink = Store(), Sink()
    handler = Preparing(store)
    await deliver(store, handler, sink)(batch("a", "b", "c"))
    assert handler.prepared == [(["a", "b", "c"], True)]
    assert store.committed == ["a", "b", "c"]


async def test_each_half_is_prepared_again_and_a_lone_message_is_not():
    store, sink = Store(), Sink()
    handler = Preparing(store, invalid={"d"})
    await deliver(store, handler, sink)(batch("a", "b", "c", "d"))
    assert [values for values, _ in handler.prepared] == [
        ["a", "b", "c", "d"],
        ["a", "b"],
        ["c", "d"],
    ]
    assert (store.committed, sink.sent) == (["a", "b", "c"], ["d"])


async def test_a_failing_preparation_splits_the_batch_like_a_failing_message():
    store, sink = Store(), Sink()
    handler = Preparing(store, refuse={"b"})
    await deliver(store, handler, sink)(batch("a", "b", "c", "d"))
    assert (store.committed, sink.sent) == (["a", "b", "c", "d"], [])


async def test_a_handler_without_prepare_is_delivered_as_before():
    store, sink = Store(), Sink()
    await deliver(store, handler_for(store), sink)(batch("a", "b"))
    assert store.committed == ["a", "b"]
