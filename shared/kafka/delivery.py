"""At-least-once delivery of one Kafka message to a handler: retries, then maybe the DLQ.

Framework-neutral on purpose: the FastStream subscriber in :mod:`shared.kafka.broker`
turns a record into an :class:`InboundMessage` and awaits :class:`ReliableDelivery`; the
offset is committed only when this returns, so a crash mid-handler redelivers the message.
"""

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from shared.failures import FailureKind, classify

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class InboundMessage:
    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes
    headers: Mapping[str, bytes] = field(default_factory=dict)


MessageHandler = Callable[[InboundMessage], Awaitable[None]]


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 5
    initial_backoff_s: float = 0.2
    max_backoff_s: float = 5.0

    def backoff(self, attempt: int) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1-based)."""
        return float(min(self.max_backoff_s, self.initial_backoff_s * 2 ** (attempt - 1)))


class DeadLetterSink(Protocol):
    async def send(self, message: InboundMessage, error: BaseException, attempts: int) -> None: ...


class DeliveryObserver(Protocol):
    """Told what became of each message (metrics)."""

    def handled(self, message: InboundMessage, seconds: float) -> None: ...

    def retried(self, message: InboundMessage, transient: bool) -> None: ...

    def dead_lettered(self, message: InboundMessage) -> None: ...


class Unobserved:
    def handled(self, message: InboundMessage, seconds: float) -> None:
        return None

    def retried(self, message: InboundMessage, transient: bool) -> None:
        return None

    def dead_lettered(self, message: InboundMessage) -> None:
        return None


class ReliableDelivery:
    """Runs the handler until it succeeds, the failure proves permanent, or a bug has had
    its bounded retries; only the last two reach the DLQ (see :mod:`shared.failures`)."""

    def __init__(
        self,
        handler: MessageHandler,
        policy: RetryPolicy,
        dead_letters: DeadLetterSink,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        observer: DeliveryObserver | None = None,
    ) -> None:
        self._handler = handler
        self._policy = policy
        self._dead_letters = dead_letters
        self._sleep = sleep
        self._observer = observer or Unobserved()

    async def __call__(self, message: InboundMessage) -> None:
        failures = transient = 0
        while True:
            started = time.perf_counter()
            try:
                await self._handler(message)
                self._observer.handled(message, time.perf_counter() - started)
                return
            except Exception as error:
                kind = classify(error)
                if kind is FailureKind.TRANSIENT:
                    transient += 1
                    self._observer.retried(message, transient=True)
                    _log_transient(message, error, transient)
                    await self._sleep(self._policy.backoff(transient))
                    continue
                failures += 1
                if kind is FailureKind.INVALID or failures >= self._policy.max_attempts:
                    await self._give_up(message, error, kind, failures)
                    self._observer.dead_lettered(message)
                    return
                self._observer.retried(message, transient=False)
                log.warning(
                    "handler failed, retrying",
                    exc_info=error,
                    extra=_where(message) | {"attempt": failures},
                )
                await self._sleep(self._policy.backoff(failures))

    async def _give_up(
        self, message: InboundMessage, error: Exception, kind: FailureKind, attempts: int
    ) -> None:
        log.error(
            "message dead-lettered: %s: %s",
            type(error).__name__,
            _short(error),
            exc_info=error if kind is FailureKind.UNEXPECTED else None,
            extra=_where(message) | {"attempts": attempts, "failure": kind.value},
        )
        await self._dead_letters.send(message, error, attempts)


def _log_transient(message: InboundMessage, error: Exception, attempt: int) -> None:
    """One line, no traceback: this is the system working as intended, not a bug."""
    log.warning(
        "transient failure, retrying: %s: %s",
        type(error).__name__,
        _short(error),
        extra=_where(message) | {"attempt": attempt},
    )


def _short(error: BaseException) -> str:
    text = " ".join(str(error).split())
    return text if len(text) <= 300 else text[:297] + "..."


def _where(message: InboundMessage) -> dict[str, object]:
    return {"topic": message.topic, "partition": message.partition, "offset": message.offset}
