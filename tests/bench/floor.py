"""The raw floor a benchmark is compared with, measured in the same run on the same machine.

One hop of the floor: aiokafka produces a message, a consumer receives it and does one
transactional MongoDB write. Whatever ticketflow does per message is that, plus its work.
"""

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any
from uuid import uuid4

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from pymongo import AsyncMongoClient

from deploy.local.infra import Endpoints
from shared.kafka.admin import ensure_topics


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.count / self.seconds

    def ratio_to(self, floor: "Rate") -> float:
        return self.per_second / floor.per_second


@dataclass
class _Rig:
    topic: str
    producer: AIOKafkaProducer
    consumer: AIOKafkaConsumer
    collection: Any
    client: AsyncMongoClient[dict[str, object]]

    async def produce(self, count: int) -> None:
        for i in range(count):
            await self.producer.send(self.topic, f"{i}".encode(), key=f"{i % 64}".encode())
        await self.producer.flush()


@contextlib.asynccontextmanager
async def _hops(endpoints: Endpoints) -> AsyncIterator[_Rig]:
    """A fresh topic whose consumer has joined its group and fetched (so the clock starts
    after that), and a fresh collection to write to."""
    topic, db_name = f"floor-{uuid4().hex[:8]}", f"floor_{uuid4().hex[:8]}"
    await ensure_topics(endpoints.kafka_bootstrap, [topic])
    client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(endpoints.mongo_url)
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=endpoints.kafka_bootstrap, group_id=topic,
        auto_offset_reset="earliest", enable_auto_commit=False,
    )  # fmt: skip
    producer = AIOKafkaProducer(bootstrap_servers=endpoints.kafka_bootstrap, linger_ms=2)
    await consumer.start()
    await producer.start()
    try:
        await producer.send_and_wait(topic, b"warm-up", key=b"0")
        await consumer.getone()
        await consumer.commit()
        yield _Rig(topic, producer, consumer, client[db_name]["hops"], client)
    finally:
        await producer.stop()
        await consumer.stop()
        await client.drop_database(db_name)
        await client.close()


async def kafka_mongo_floor(endpoints: Endpoints, count: int) -> Rate:
    """Produce ``count`` messages, consume each with one transactional insert (a)."""
    async with _hops(endpoints) as rig:
        start, seen = time.perf_counter(), 0
        await rig.produce(count)
        async for record in rig.consumer:
            async with rig.client.start_session() as session, await session.start_transaction():
                await rig.collection.insert_one({"v": record.value}, session=session)
            await rig.consumer.commit()
            seen += 1
            if seen == count:
                break
    return Rate(count, time.perf_counter() - start)


async def kafka_mongo_batch_floor(endpoints: Endpoints, count: int) -> Rate:
    """The same in batches (b): each poll's records in one transaction of N inserts, one
    offset commit per poll."""
    async with _hops(endpoints) as rig:
        start, seen = time.perf_counter(), 0
        await rig.produce(count)
        while seen < count:
            polled = await rig.consumer.getmany(timeout_ms=200, max_records=200)
            records = [r for batch in polled.values() for r in batch]
            if not records:
                continue
            async with rig.client.start_session() as session, await session.start_transaction():
                await rig.collection.insert_many([{"v": r.value} for r in records], session=session)
            await rig.consumer.commit()
            seen += len(records)
    return Rate(count, time.perf_counter() - start)


def print_ratio(name: str, measured: Rate, floor: Rate) -> None:
    print(
        f"{name}: {measured.per_second:,.0f}/s  floor {floor.per_second:,.0f}/s  "
        f"ratio {measured.ratio_to(floor):.2f}",
        flush=True,
    )


if __name__ == "__main__":
    import tempfile
    from pathlib import Path

    from deploy.local.infra import local_servers

    with tempfile.TemporaryDirectory() as tmp, local_servers(Path(tmp)) as servers:
        floor = asyncio.run(kafka_mongo_floor(servers, 2000))
        print(f"floor: {floor.per_second:,.0f} hops/s")
