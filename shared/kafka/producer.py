"""Publishes outbox messages in batches with an idempotent aiokafka producer."""

import asyncio
from collections.abc import Sequence

from aiokafka import AIOKafkaProducer

from shared.outbox.relay import OutboxMessage


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

    async def publish(self, messages: Sequence[OutboxMessage]) -> None:
        """Enqueue in order (order per partition is kept), then wait for every ack."""
        if self._producer is None:
            raise RuntimeError("the outbox publisher is not started")
        producer = self._producer
        pending = [
            await producer.send(
                m.topic,
                value=m.value,
                key=m.key,
                headers=[(k, v.encode()) for k, v in m.headers.items()],
            )
            for m in messages
        ]
        await asyncio.gather(*pending)
