import pytest

from shared.events.codec import MalformedEvent
from shared.kafka.delivery import InboundMessage, ReliableDelivery, RetryPolicy

MESSAGE = InboundMessage(topic="t", partition=0, offset=7, key=b"k", value=b"v")


class Sink:
    def __init__(self):
        self.sent = []

    async def send(self, message, error, attempts):
        self.sent.append((message, error, attempts))


class Sleeps:
    def __init__(self):
        self.delays = []

    async def __call__(self, seconds):
        self.delays.append(seconds)


def failing(times, error=None):
    error = error or RuntimeError("boom")
    calls = []

    async def handler(message):
        calls.append(message)
        if len(calls) <= times:
            raise error

    return handler, calls


async def test_success_after_transient_failures_is_not_dead_lettered():
    handler, calls = failing(2)
    sink, sleeps = Sink(), Sleeps()
    await ReliableDelivery(handler, RetryPolicy(5, 0.1, 10), sink, sleeps)(MESSAGE)
    assert len(calls) == 3
    assert sink.sent == []
    assert sleeps.delays == [0.1, 0.2]


async def test_a_handler_that_always_fails_is_dead_lettered_after_max_attempts():
    handler, calls = failing(100)
    sink, sleeps = Sink(), Sleeps()
    await ReliableDelivery(handler, RetryPolicy(4, 0.1, 10), sink, sleeps)(MESSAGE)
    assert len(calls) == 4
    [(message, error, attempts)] = sink.sent
    assert (message, str(error), attempts) == (MESSAGE, "boom", 4)
    assert len(sleeps.delays) == 3


async def test_a_malformed_message_goes_to_the_dlq_without_retries():
    handler, calls = failing(100, MalformedEvent("ticket.registered", ValueError("bad")))
    sink = Sink()
    await ReliableDelivery(handler, RetryPolicy(5, 0.1, 10), sink, Sleeps())(MESSAGE)
    assert len(calls) == 1
    assert sink.sent[0][2] == 1


async def test_a_failing_dead_letter_sink_propagates_so_the_message_is_not_committed():
    handler, _ = failing(100)

    class BrokenSink:
        async def send(self, message, error, attempts):
            raise ConnectionError("dlq down")

    with pytest.raises(ConnectionError):
        await ReliableDelivery(handler, RetryPolicy(2, 0, 0), BrokenSink(), Sleeps())(MESSAGE)


@pytest.mark.parametrize(
    ("attempt", "expected"), [(1, 0.2), (2, 0.4), (3, 0.8), (5, 3.2), (6, 5.0), (30, 5.0)]
)
def test_backoff_doubles_up_to_the_cap(attempt, expected):
    assert RetryPolicy(10, 0.2, 5.0).backoff(attempt) == pytest.approx(expected)
