"""Reads what was published to a topic, for asserting on events in integration tests."""

import asyncio
import time
from collections.abc import Callable
from typing import Self

from aiokafka import AIOKafkaConsumer, ConsumerRecord

from shared.events.codec import decode_event
from shared.events.envelope import EventEnvelope


class TopicRecorder:
    """Consumes ``topic`` from the beginning (no group, no commits) into ``records``."""

    def __init__(self, bootstrap: str, topic: str) -> None:
        self._bootstrap = bootstrap
        self.topic = topic
        self.records: list[ConsumerRecord[bytes, bytes]] = []
        self._consumer: AIOKafkaConsumer | None = None
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> Self:
        self._consumer = AIOKafkaConsumer(
            self.topic, bootstrap_servers=self._bootstrap, auto_offset_reset="earliest",
            enable_auto_commit=False, metadata_max_age_ms=500,
        )  # fmt: skip
        await self._consumer.start()
        self._task = asyncio.create_task(self._collect(self._consumer))
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._task is not None
        assert self._consumer is not None
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)
        await self._consumer.stop()

    async def _collect(self, consumer: AIOKafkaConsumer) -> None:
        async for record in consumer:
            self.records.append(record)

    def events(self) -> list[EventEnvelope]:
        return [e for r in self.records if (e := decode_event(r.value or b"")) is not None]

    async def wait_for(
        self, predicate: Callable[[list[ConsumerRecord[bytes, bytes]]], bool], timeout: float = 30.0
    ) -> list[ConsumerRecord[bytes, bytes]]:
        deadline = time.monotonic() + timeout
        while not predicate(self.records):
            if time.monotonic() > deadline:
                have = len(self.records)
                raise AssertionError(f"{self.topic}: not met in {timeout}s; {have} records")
            await asyncio.sleep(0.05)
        return self.records

    async def wait_for_count(self, count: int, timeout: float = 30.0) -> list[EventEnvelope]:
        await self.wait_for(lambda records: len(records) >= count, timeout)
        return self.events()
