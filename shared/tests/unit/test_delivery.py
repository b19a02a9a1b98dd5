import logging

import pytest
from pydantic import BaseModel, ConfigDict, ValidationError
from pymongo.errors import OperationFailure

from shared.errors import Conflict, RequestError, TransientConflict
from shared.events.codec import MalformedEvent
from shared.kafka.delivery import InboundMessage, ReliableDelivery, RetryPolicy


class Strict(BaseModel):
    model_config = ConfigDict(strict=True)
    n: int


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


async def test_success_after_a_few_failures_is_not_dead_lettered():
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


async def test_a_transient_failure_is_retried_past_max_attempts_and_never_dead_lettered():
    conflict = OperationFailure("WriteConflict", code=112)
    handler, calls = failing(40, conflict)
    sink, sleeps = Sink(), Sleeps()
    await ReliableDelivery(handler, RetryPolicy(3, 0.2, 5.0), sink, sleeps)(MESSAGE)
    assert len(calls) == 41
    assert sink.sent == []
    assert max(sleeps.delays) == 5.0  # capped, however long it lasts
    assert sum(sleeps.delays) > 60  # outlasts an abandoned transaction's 60 s lifetime


async def test_transient_retries_do_not_use_up_the_attempts_of_a_later_bug():
    errors = [TransientConflict("conflict")] * 10 + [RuntimeError("bug")] * 10
    calls = []

    async def handler(message):
        calls.append(message)
        raise errors[len(calls) - 1]

    sink = Sink()
    await ReliableDelivery(handler, RetryPolicy(3, 0, 0), sink, Sleeps())(MESSAGE)
    assert len(calls) == 13
    [(_, error, attempts)] = sink.sent
    assert (str(error), attempts) == ("bug", 3)


@pytest.mark.parametrize(
    "error",
    [
        MalformedEvent("ticket.registered", ValueError("bad")),
        RequestError("no such tenant"),
        Conflict("cannot start", allowed=["accept"]),
    ],
    ids=["malformed", "request-error", "conflict"],
)
async def test_a_message_that_can_never_succeed_is_dead_lettered_at_once(error):
    handler, calls = failing(100, error)
    sink = Sink()
    await ReliableDelivery(handler, RetryPolicy(5, 0.1, 10), sink, Sleeps())(MESSAGE)
    assert (len(calls), sink.sent[0][2]) == (1, 1)


async def test_a_validation_error_is_dead_lettered_at_once():
    try:
        Strict.model_validate({"n": True})
    except ValidationError as error:
        invalid = error
    handler, calls = failing(100, invalid)
    sink = Sink()
    await ReliableDelivery(handler, RetryPolicy(5, 0.1, 10), sink, Sleeps())(MESSAGE)
    assert len(calls) == 1
    assert len(sink.sent) == 1


async def test_a_transient_retry_is_one_warning_line_without_traceback(caplog):
    handler, _ = failing(1, TransientConflict("WriteConflict on processed_events"))
    with caplog.at_level(logging.INFO, logger="shared.kafka.delivery"):
        await ReliableDelivery(handler, RetryPolicy(3, 0, 0), Sink(), Sleeps())(MESSAGE)
    [record] = caplog.records
    assert record.levelno == logging.WARNING
    assert record.exc_info is None
    assert "TransientConflict: WriteConflict on processed_events" in record.getMessage()


async def test_a_dead_letter_is_logged_as_an_error_with_its_reason(caplog):
    handler, _ = failing(100, RequestError("tenant 'x' does not exist"))
    with caplog.at_level(logging.INFO, logger="shared.kafka.delivery"):
        await ReliableDelivery(handler, RetryPolicy(3, 0, 0), Sink(), Sleeps())(MESSAGE)
    [record] = caplog.records
    assert record.levelno == logging.ERROR
    assert "RequestError: tenant 'x' does not exist" in record.getMessage()
