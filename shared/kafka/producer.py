"""Publishes outbox messages in batches with an idempotent aiokafka producer."""

import asyncio
from collections.abc import Sequence
from typing import Any

from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError

from shared.outbox.relay import OutboxMessage, PublishResults


class KafkaOutboxPublisher:
    def __init__(self, bootstrap_servers: str, client_id: str) -> None:
        self._bootstrap_servers = bootstrap_servers
        self._client_id = client_id
        self._producer: AIOKafkaProducer | None = None

    async def start(self) -> None:
        # aiokafka binds a producer to the running loop, so it is built here, not in __init__.
        self._producer = AIOKafkaProducer(
            bootstrap_servers=self._bootstrap_servers,
            client_id=self._client_id,
            acks="all",
            enable_idempotence=True,
            linger_ms=2,
        )
        await self._producer.start()

    async def stop(self) -> None:
        if self._producer is not None:
            await self._producer.stop()
            self._producer = None

    async def publish(self, messages: Sequence[OutboxMessage]) -> PublishResults:
        """Enqueue in order (order per partition is kept), then wait for every ack; one
        outcome per message, so that one the broker refuses does not fail the others."""
        if self._producer is None:
            raise RuntimeError("the outbox publisher is not started")
        pending = [await self._enqueue(self._producer, m) for m in messages]
        return await asyncio.gather(*(_outcome(p) for p in pending))

    @staticmethod
    async def _enqueue(
        producer: AIOKafkaProducer, message: OutboxMessage
    ) -> "asyncio.Future[Any] | BaseException":
        try:
            return await producer.send(
                message.topic,
                value=message.value,
                key=message.key,
                headers=[(k, v.encode()) for k, v in message.headers.items()],
            )
        except KafkaError as error:  # refused before it was sent, e.g. too large
            return error


async def _outcome(pending: "asyncio.Future[Any] | BaseException") -> BaseException | None:
    if isinstance(pending, BaseException):
        return pending
    try:
        await pending
    except KafkaError as error:
        return error
    return None
