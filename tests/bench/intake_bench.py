"""Sustained intake registrations/s, through Kafka and through HTTP, beside the raw floor.

Run by ``make bench`` (not CI): ``python -m tests.bench.intake_bench``. It starts its own
Kafka and MongoDB, measures the floor (produce → consume → one transactional write) in
the same run, then registers ``BENCH_COUNT`` submissions (default 2000) spread over
``BENCH_TENANTS`` tenants (default 8; each tenant's numbers are serialised) through:

- the upstream submissions topic (one intake consumer, as deployed);
- HTTP (uvicorn on loopback, ``BENCH_HTTP_CONCURRENCY`` requests in flight, default 32).
"""

import asyncio
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx
import uvicorn
from aiokafka import AIOKafkaProducer
from pymongo import AsyncMongoClient

from deploy.local.infra import Endpoints, local_servers
from deploy.local.ports import free_port
from services.intake.adapters.tickets import COUNTERS
from services.intake.bootstrap import create_app
from services.intake.settings import IntakeSettings
from shared.kafka.admin import ensure_topics
from shared.testing.tenants import provision_tenant
from tests.bench.floor import Rate, kafka_mongo_floor, print_ratio

COUNT = int(os.environ.get("BENCH_COUNT", "2000"))
TENANTS = int(os.environ.get("BENCH_TENANTS", "8"))
CONCURRENCY = int(os.environ.get("BENCH_HTTP_CONCURRENCY", "32"))


def submission(run: str, i: int) -> dict[str, object]:
    return {
        "tenant_id": f"{run}-t{i % TENANTS}",
        "source": "upstream",
        "external_ref": f"ref-{i}",
        "type": "incident",
        "subject": f"Line down at cabinet {i}",
        "contact": {"phone": f"+86138{i:08d}"},
        "urgency": 1 + i % 3,
        "impact": 1 + (i // 3) % 3,
    }


def settings_for(endpoints: Endpoints, run: str, port: int = 8001) -> IntakeSettings:
    return IntakeSettings(
        kafka_bootstrap_servers=endpoints.kafka_bootstrap,
        mongo_url=endpoints.mongo_url,
        topic_namespace=run,
        mongo_db=f"{run}_intake",
        http_port=port,
        outbox_poll_interval_s=0.1,
        log_level="WARNING",
    )


async def tickets_in(client: AsyncMongoClient[Any], db: str) -> int:
    # Each registration increments one counter in its transaction: summing the few counter
    # documents is exact and, unlike counting tickets, costs the same at any volume.
    return sum([doc["value"] async for doc in client[db][COUNTERS].find({})])


async def wait_for_tickets(client: AsyncMongoClient[Any], db: str, count: int) -> None:
    while True:
        if await tickets_in(client, db) >= count:
            return
        await asyncio.sleep(0.1)


async def send_all(
    producer: AIOKafkaProducer, settings: IntakeSettings, run: str, numbers: range
) -> None:
    for i in numbers:
        value = json.dumps(submission(run, i)).encode()
        await producer.send(settings.topics.upstream_submissions, value, key=b"%d" % i)
    await producer.flush()


async def through_kafka(endpoints: Endpoints) -> Rate:
    run = f"bk{uuid4().hex[:6]}"
    settings = settings_for(endpoints, run, free_port())
    await ensure_topics(endpoints.kafka_bootstrap, [settings.topics.upstream_submissions])
    async with Serving(settings):
        client: AsyncMongoClient[Any] = AsyncMongoClient(endpoints.mongo_url)
        producer = AIOKafkaProducer(bootstrap_servers=endpoints.kafka_bootstrap, linger_ms=2)
        await producer.start()
        try:
            # Warm-up (one per tenant) so that the consumer group's join is not timed.
            await send_all(producer, settings, run, range(COUNT, COUNT + TENANTS))
            await wait_for_tickets(client, settings.mongo_db, TENANTS)
            start = time.perf_counter()
            await send_all(producer, settings, run, range(COUNT))
            await wait_for_tickets(client, settings.mongo_db, COUNT + TENANTS)
            return Rate(COUNT, time.perf_counter() - start)
        finally:
            await producer.stop()
            await client.drop_database(settings.mongo_db)
            await client.close()


async def through_http(endpoints: Endpoints) -> Rate:
    run = f"bh{uuid4().hex[:6]}"
    settings = settings_for(endpoints, run, free_port())
    gate = asyncio.Semaphore(CONCURRENCY)
    base = f"http://127.0.0.1:{settings.http_port}"
    async with Serving(settings), httpx.AsyncClient(base_url=base, timeout=60) as http:

        async def post(i: int) -> None:
            async with gate:
                response = await http.post("/tickets", json=submission(run, i))
                assert response.status_code == 201, response.text

        await asyncio.gather(*(post(i) for i in range(COUNT, COUNT + TENANTS)))  # warm-up
        start = time.perf_counter()
        await asyncio.gather(*(post(i) for i in range(COUNT)))
        rate = Rate(COUNT, time.perf_counter() - start)
    client: AsyncMongoClient[Any] = AsyncMongoClient(endpoints.mongo_url)
    await client.drop_database(settings.mongo_db)
    await client.close()
    return rate


class Serving:
    """The intake service under uvicorn on loopback, as deployed, for the span of a block."""

    def __init__(self, settings: IntakeSettings) -> None:
        config = uvicorn.Config(
            create_app(settings), host="127.0.0.1", port=settings.http_port,
            log_config=None, access_log=False, lifespan="on",
        )  # fmt: skip
        self._server = uvicorn.Server(config)
        self._settings = settings
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> None:
        self._task = asyncio.create_task(self._server.serve())
        while not self._server.started:
            if self._task.done():
                self._task.result()  # raises the start-up error
            await asyncio.sleep(0.05)
        base = f"http://127.0.0.1:{self._settings.http_port}"
        for i in range(TENANTS):
            await provision_tenant(base, f"{self._settings.topic_namespace}-t{i}")

    async def __aexit__(self, *exc: object) -> None:
        assert self._task is not None
        self._server.should_exit = True
        await self._task


async def main(endpoints: Endpoints) -> None:
    floor = await kafka_mongo_floor(endpoints, COUNT)
    print(f"intake, {COUNT} registrations over {TENANTS} tenants", flush=True)
    print_ratio("registrations via Kafka", await through_kafka(endpoints), floor)
    print_ratio(f"registrations via HTTP (x{CONCURRENCY})", await through_http(endpoints), floor)


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp, local_servers(Path(tmp)) as servers:
        asyncio.run(main(servers))
