"""Sustained intake registrations/s, through Kafka and through HTTP, beside the raw floor.

Run by ``make bench`` (not CI)::

    python -m tests.bench.intake_bench [--count 20000] [--tenants 8] [--kafka-only]

It starts its own Kafka and MongoDB, measures the floors in the same run (produce →
consume → (a) one transactional write per message, (b) one transaction of N inserts per
poll), then registers ``--count`` submissions (default ``BENCH_COUNT`` or 20000) spread
over ``--tenants`` tenants (default ``BENCH_TENANTS`` or 8) through:

- the upstream submissions topic (one intake consumer, as deployed, consuming in
  batches): compared with floor (b), the batched one;
- HTTP (uvicorn on loopback, ``--http-concurrency`` requests in flight, default
  ``BENCH_HTTP_CONCURRENCY`` or 32; one transaction per request): compared with floor (a).
  ``--kafka-only`` skips it.
"""

import argparse
import asyncio
import json
import os
import tempfile
import time
from dataclasses import dataclass
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
from tests.bench.floor import Rate, kafka_mongo_batch_floor, kafka_mongo_floor, print_ratio
from tests.bench.server_profile import print_profile, server_counters, usage_between


@dataclass(frozen=True)
class Shape:
    count: int
    tenants: int
    concurrency: int


def submission(run: str, i: int, tenants: int) -> dict[str, object]:
    return {
        "tenant_id": f"{run}-t{i % tenants}",
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
    producer: AIOKafkaProducer, settings: IntakeSettings, numbers: range, tenants: int
) -> None:
    run = settings.topic_namespace
    for i in numbers:
        value = json.dumps(submission(run, i, tenants)).encode()
        await producer.send(settings.topics.upstream_submissions, value, key=b"%d" % i)
    await producer.flush()


async def through_kafka(endpoints: Endpoints, shape: Shape) -> Rate:
    count, tenants = shape.count, shape.tenants
    settings = settings_for(endpoints, f"bk{uuid4().hex[:6]}", free_port())
    await ensure_topics(endpoints.kafka_bootstrap, [settings.topics.upstream_submissions])
    async with Serving(settings, tenants):
        client: AsyncMongoClient[Any] = AsyncMongoClient(endpoints.mongo_url)
        producer = AIOKafkaProducer(bootstrap_servers=endpoints.kafka_bootstrap, linger_ms=2)
        await producer.start()
        try:
            # Warm-up (one per tenant) so that the consumer group's join is not timed.
            await send_all(producer, settings, range(count, count + tenants), tenants)
            await wait_for_tickets(client, settings.mongo_db, tenants)
            before, start = await server_counters(client), time.perf_counter()
            await send_all(producer, settings, range(count), tenants)
            await wait_for_tickets(client, settings.mongo_db, count + tenants)
            rate = Rate(count, time.perf_counter() - start)
            spent = usage_between(before, await server_counters(client))
            print_profile("database server, via Kafka", spent, count)
            return rate
        finally:
            await producer.stop()
            await client.drop_database(settings.mongo_db)
            await client.close()


async def through_http(endpoints: Endpoints, shape: Shape) -> Rate:
    count, tenants, run = shape.count, shape.tenants, f"bh{uuid4().hex[:6]}"
    settings = settings_for(endpoints, run, free_port())
    gate = asyncio.Semaphore(shape.concurrency)
    base = f"http://127.0.0.1:{settings.http_port}"
    async with Serving(settings, tenants), httpx.AsyncClient(base_url=base, timeout=60) as http:

        async def post(i: int) -> None:
            async with gate:
                response = await http.post("/tickets", json=submission(run, i, tenants))
                assert response.status_code == 201, response.text

        await asyncio.gather(*(post(i) for i in range(count, count + tenants)))  # warm-up
        start = time.perf_counter()
        await asyncio.gather(*(post(i) for i in range(count)))
        rate = Rate(count, time.perf_counter() - start)
    client: AsyncMongoClient[Any] = AsyncMongoClient(endpoints.mongo_url)
    await client.drop_database(settings.mongo_db)
    await client.close()
    return rate


class Serving:
    """The intake service under uvicorn on loopback, as deployed, for the span of a block."""

    def __init__(self, settings: IntakeSettings, tenants: int) -> None:
        config = uvicorn.Config(
            create_app(settings), host="127.0.0.1", port=settings.http_port,
            log_config=None, access_log=False, lifespan="on",
        )  # fmt: skip
        self._server = uvicorn.Server(config)
        self._settings, self._tenants = settings, tenants
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> None:
        self._task = asyncio.create_task(self._server.serve())
        while not self._server.started:
            if self._task.done():
                self._task.result()  # raises the start-up error
            await asyncio.sleep(0.05)
        base = f"http://127.0.0.1:{self._settings.http_port}"
        for i in range(self._tenants):
            await provision_tenant(base, f"{self._settings.topic_namespace}-t{i}")

    async def __aexit__(self, *exc: object) -> None:
        assert self._task is not None
        self._server.should_exit = True
        await self._task


async def main(endpoints: Endpoints, shape: Shape, http: bool) -> None:
    floor_a = await kafka_mongo_floor(endpoints, shape.count)
    floor_b = await kafka_mongo_batch_floor(endpoints, shape.count)
    print(f"intake, {shape.count} registrations over {shape.tenants} tenants", flush=True)
    print(f"floor (a) per message: {floor_a.per_second:,.0f}/s", flush=True)
    print(f"floor (b) per batch:   {floor_b.per_second:,.0f}/s", flush=True)
    print_ratio("registrations via Kafka, to (b)", await through_kafka(endpoints, shape), floor_b)
    if http:
        name = f"registrations via HTTP (x{shape.concurrency}), to (a)"
        print_ratio(name, await through_http(endpoints, shape), floor_a)


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    env = os.environ.get
    parser.add_argument("--count", type=int, default=int(env("BENCH_COUNT", "20000")))
    parser.add_argument("--tenants", type=int, default=int(env("BENCH_TENANTS", "8")))
    parser.add_argument(
        "--http-concurrency", type=int, default=int(env("BENCH_HTTP_CONCURRENCY", "32"))
    )
    parser.add_argument("--kafka-only", action="store_true", help="skip the HTTP figure")
    return parser.parse_args()


if __name__ == "__main__":
    args = arguments()
    bench_shape = Shape(args.count, args.tenants, args.http_concurrency)
    with tempfile.TemporaryDirectory() as tmp, local_servers(Path(tmp)) as servers:
        asyncio.run(main(servers, bench_shape, http=not args.kafka_only))
