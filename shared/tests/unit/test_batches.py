"""Batch delivery without servers: a fake shared transaction keeps what its block wrote
only when the whole block finishes, as MongoDB does."""

import contextlib

from pydantic import BaseModel, ConfigDict

from shared.errors import TransientConflict
from shared.kafka.batches import TRANSIENT_ROUNDS, BatchDelivery
from shared.kafka.delivery import InboundMessage, ReliableDelivery, RetryPolicy

POLICY = RetryPolicy(max_attempts=3, initial_backoff_s=0.01, max_backoff_s=0.01)


class Strict(BaseModel):
    model_config = ConfigDict(strict=True)
    n: int


def batch(*values: str) -> list[InboundMessage]:
    return [
        InboundMessage(topic="t", partition=0, offset=i, key=v.encode(), value=v.encode())
        for i, v in enumerate(values)
    ]


class Store:
    def __init__(self, conflicts_at_commit: int = 0):
        self.committed: list[str] = []
        self.pending: list[str] | None = None  # None: no shared transaction open
        self.transactions = self.aborted = 0
        self._conflicts = conflicts_at_commit

    @contextlib.asynccontextmanager
    async def shared(self, event_ids=()):
        self.transactions += 1
        self.pending = []
        try:
            yield self
            if self._conflicts:
                self._conflicts -= 1
                raise TransientConflict("write conflict at commit")
            self.committed += self.pending
        except BaseException:
            self.aborted += 1
            raise
        finally:
            self.pending = None

    def write(self, value: str) -> None:
        # Outside a shared transaction (the per-message path) a write commits by itself.
        (self.committed if self.pending is None else self.pending).append(value)


class Sink:
    def __init__(self):
        self.sent: list[str] = []

    async def send(self, message, error, attempts):
        self.sent.append(message.value.decode())


async def no_sleep(seconds):
    return None


def handler_for(store, bug=(), invalid=()):
    async def handle(message: InboundMessage) -> None:
        value = message.value.decode()
        if value in bug:
            raise RuntimeError(f"a bug on {value}")
        if value in invalid:
            Strict.model_validate({"n": "not a number"})
        store.write(value)

    return handle


def deliver(store, handle, sink):
    single = ReliableDelivery(handle, POLICY, sink, no_sleep)
    return BatchDelivery(handle, store, single, POLICY, no_sleep)


async def test_a_good_batch_commits_in_one_transaction_in_order():
    store, sink = Store(), Sink()
    values = [f"e{i}" for i in range(50)]
    await deliver(store, handler_for(store), sink)(batch(*values))
    assert (store.committed, store.transactions, sink.sent) == (values, 1, [])


async def test_one_poison_event_commits_the_others_and_dead_letters_only_it():
    store, sink = Store(), Sink()
    values = [f"e{i}" for i in range(16)]
    await deliver(store, handler_for(store, invalid={"e11"}), sink)(batch(*values))
    assert store.committed == [v for v in values if v != "e11"]  # and still in order
    assert sink.sent == ["e11"]
    # halves of 16, 8, 4, 2 around the bad one: a handful of rounds, not one per event
    assert store.transactions <= 2 * 4 + 1


async def test_a_bug_is_retried_alone_then_dead_lettered_while_the_rest_commit():
    store, sink = Store(), Sink()
    await deliver(store, handler_for(store, bug={"b"}), sink)(batch("a", "b", "c", "d"))
    assert (store.committed, sink.sent) == (["a", "c", "d"], ["b"])


async def test_a_transient_conflict_retries_the_whole_batch_without_splitting():
    store, sink = Store(conflicts_at_commit=TRANSIENT_ROUNDS - 1), Sink()
    await deliver(store, handler_for(store), sink)(batch("a", "b", "c"))
    assert (store.committed, store.transactions, sink.sent) == (["a", "b", "c"], 3, [])


async def test_a_batch_that_keeps_conflicting_is_split_and_nothing_is_dead_lettered():
    store, sink = Store(conflicts_at_commit=TRANSIENT_ROUNDS), Sink()
    await deliver(store, handler_for(store), sink)(batch("a", "b", "c", "d"))
    assert (sorted(store.committed), sink.sent) == (["a", "b", "c", "d"], [])
    assert store.committed == ["a", "b", "c", "d"]


async def test_a_single_message_takes_the_per_message_path():
    store, sink = Store(), Sink()
    await deliver(store, handler_for(store), sink)(batch("only"))
    assert (store.committed, store.transactions) == (["only"], 0)
