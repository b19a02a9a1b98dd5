"""At-least-once delivery of one Kafka message to a handler: bounded retries, then DLQ.

Framework-neutral on purpose: the FastStream subscriber in :mod:`shared.kafka.broker`
turns a record into an :class:`InboundMessage` and awaits :class:`ReliableDelivery`; the
offset is committed only when this returns, so a crash mid-handler redelivers the message.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from shared.events.codec import MalformedEvent

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


# Retrying cannot fix a message that does not parse: it goes to the DLQ at once.
NON_RETRYABLE: tuple[type[Exception], ...] = (MalformedEvent,)


class ReliableDelivery:
    def __init__(
        self,
        handler: MessageHandler,
        policy: RetryPolicy,
        dead_letters: DeadLetterSink,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._handler = handler
        self._policy = policy
        self._dead_letters = dead_letters
        self._sleep = sleep

    async def __call__(self, message: InboundMessage) -> None:
        attempt = 1
        while True:
            try:
                await self._handler(message)
                return
            except NON_RETRYABLE as error:
                await self._give_up(message, error, attempt)
                return
            except Exception as error:
                if attempt >= self._policy.max_attempts:
                    await self._give_up(message, error, attempt)
                    return
                log.warning(
                    "handler failed, retrying",
                    exc_info=error,
                    extra=_where(message) | {"attempt": attempt},
                )
                await self._sleep(self._policy.backoff(attempt))
                attempt += 1

    async def _give_up(self, message: InboundMessage, error: Exception, attempts: int) -> None:
        log.error(
            "message dead-lettered", exc_info=error, extra=_where(message) | {"attempts": attempts}
        )
        await self._dead_letters.send(message, error, attempts)


def _where(message: InboundMessage) -> dict[str, object]:
    return {"topic": message.topic, "partition": message.partition, "offset": message.offset}
