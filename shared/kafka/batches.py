"""At-least-once delivery of a polled batch: one shared transaction for all of it.

Handlers keep their per-event signature. The whole batch runs in partition order inside
one :class:`~shared.mongo.unit_of_work.SharedTransaction` (their processed-event records
and outbox messages are written together at its end) and the offsets are committed once,
after it. If any handler fails, nothing of the batch was kept: it is split in halves, and
each half delivered in turn (the first before the second, so every key's order holds),
until the failing message is alone and goes the per-message way
(:class:`~shared.kafka.delivery.ReliableDelivery`: retried, or dead-lettered). So one bad
event costs about log2(batch) extra rounds, and only it is retried or dead-lettered.

A handler that also has a ``prepare(messages)`` coroutine (:class:`PreparesBatches`) has
it awaited inside the batch's transaction before the first message is handled, on every
attempt and again for each half: it may read in a few queries what the handlers will look
up one by one (keeping it in the transaction's shared state). A lone message never sees
it: the per-message path stays as it is.
"""

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Collection, Sequence
from contextlib import AbstractAsyncContextManager, AbstractContextManager
from typing import Any, Protocol

from opentelemetry import propagate
from opentelemetry.trace import SpanKind, Tracer

from shared.failures import FailureKind, classify
from shared.kafka.delivery import (
    DeliveryObserver,
    InboundMessage,
    MessageHandler,
    RetryPolicy,
    Unobserved,
)

log = logging.getLogger(__name__)

# A batch that keeps meeting transient conflicts is split: smaller ones conflict less.
TRANSIENT_ROUNDS = 3


class SharedTransactions(Protocol):
    def shared(self, event_ids: Collection[str] = ()) -> AbstractAsyncContextManager[Any]: ...


class PreparesBatches(Protocol):
    async def prepare(self, messages: Sequence[InboundMessage]) -> None: ...


async def _unprepared(messages: Sequence[InboundMessage]) -> None:
    return None


class BatchDelivery:
    def __init__(
        self,
        handler: MessageHandler,
        transactions: SharedTransactions,
        single: MessageHandler,
        policy: RetryPolicy,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        observer: DeliveryObserver | None = None,
        tracer: Tracer | None = None,
    ) -> None:
        self._handler = handler
        self._prepare: Callable[[Sequence[InboundMessage]], Awaitable[None]] = getattr(
            handler, "prepare", _unprepared
        )
        self._tracer = tracer
        self._transactions = transactions
        self._single = single
        self._policy = policy
        self._sleep = sleep
        self._observer = observer or Unobserved()

    async def __call__(self, messages: Sequence[InboundMessage]) -> None:
        if len(messages) == 1:
            with self._span(messages[0]):
                await self._single(messages[0])
            return
        if not messages or await self._together(messages):
            return
        half = len(messages) // 2
        await self(messages[:half])
        await self(messages[half:])

    async def _together(self, messages: Sequence[InboundMessage]) -> bool:
        """True once the batch committed; False when it should be split."""
        # What the relay published carries its event id: duplicates are looked up at once.
        event_ids = [m.headers["event_id"].decode() for m in messages if "event_id" in m.headers]
        for attempt in range(1, TRANSIENT_ROUNDS + 1):
            started = time.perf_counter()
            try:
                async with self._transactions.shared(event_ids):
                    await self._prepare(messages)
                    for message in messages:
                        with self._span(message):
                            await self._handler(message)
            # Nothing of the batch was kept: split it; a lone bad one goes the per-message way.
            except Exception as error:  # noqa: BLE001
                if classify(error) is not FailureKind.TRANSIENT:
                    _log_split(messages, error)
                    return False
                _log_transient(messages, error, attempt)
                await self._sleep(self._policy.backoff(attempt))
                continue
            each = (time.perf_counter() - started) / len(messages)
            for message in messages:
                self._observer.handled(message, each)
            return True
        return False

    def _span(self, message: InboundMessage) -> AbstractContextManager[Any]:
        """Each message's handling continues its producer's trace (the broker's span is the
        batch's, linked to them all), and what it publishes carries that trace on."""
        if self._tracer is None:
            return contextlib.nullcontext()
        carrier = {k: v.decode(errors="replace") for k, v in message.headers.items()}
        return self._tracer.start_as_current_span(
            f"{message.topic} handle",
            context=propagate.extract(carrier),
            kind=SpanKind.CONSUMER,
            attributes={"messaging.kafka.partition": message.partition,
                        "messaging.kafka.offset": message.offset},
        )  # fmt: skip


def _log_split(messages: Sequence[InboundMessage], error: Exception) -> None:
    log.info(
        "a batch of %d failed (%s), delivering it in halves",
        len(messages), type(error).__name__, extra=_span(messages),
    )  # fmt: skip


def _log_transient(messages: Sequence[InboundMessage], error: Exception, attempt: int) -> None:
    log.warning(
        "transient failure of a batch of %d, retrying: %s: %s",
        len(messages), type(error).__name__, " ".join(str(error).split())[:300],
        extra=_span(messages) | {"attempt": attempt},
    )  # fmt: skip


def _span(messages: Sequence[InboundMessage]) -> dict[str, object]:
    first, last = messages[0], messages[-1]
    return {"topic": first.topic, "from": f"{first.partition}/{first.offset}",
            "to": f"{last.partition}/{last.offset}"}  # fmt: skip
