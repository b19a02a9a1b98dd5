"""End to end, every service as a process: submissions through Kafka until each ticket is
assigned in the gateway's read model with its SLA clocks, beside the raw floors.

Run by ``make bench`` (not CI): ``python -m tests.bench.pipeline_bench``. It starts its own
Kafka and MongoDB and the services the way ``make run`` starts them, then measures:

- the floors in the same run: produce → consume → one transactional insert per message
  (a) and per polled batch (b);
- sustained: ``BENCH_PIPELINE_COUNT`` submissions (default 3000) sent at once, the rate
  until the last one is assigned in the read model and has SLA clocks;
- latency: ``BENCH_LATENCY_COUNT`` submissions (default 1000) at a steady
  ``BENCH_LATENCY_RATE``/s (default 100), p50/p99 from the send to the moment the read
  model shows the ticket assigned (polled every 200 ms, so up to 200 ms high);
- the RSS of every service at the end;
- the database server's own time per ticket, per service database and for the busiest
  collections (:mod:`tests.bench.server_profile`): what shows whether it is the wall.
"""

import asyncio
import json
import os
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaProducer
from pymongo import AsyncMongoClient

from deploy.local.infra import Endpoints, local_servers
from deploy.local.ports import free_port
from deploy.local.process import ManagedProcess
from deploy.local.services import SERVICES, service_env, start_services
from shared.events import Topics
from shared.kafka.admin import ensure_topics
from shared.testing.tenants import provision_tenant
from tests.bench.floor import Rate, kafka_mongo_batch_floor, kafka_mongo_floor, print_ratio
from tests.bench.server_profile import print_profile, server_counters, usage_between

COUNT = int(os.environ.get("BENCH_PIPELINE_COUNT", "3000"))
# The bench's own queries run on the server it measures: a count over the read model's
# index every half second took a fifth of the server's time at 3,000 tickets.
DONE_POLL_S, SEEN_POLL_S = 3.0, 0.2
LATENCY_COUNT = int(os.environ.get("BENCH_LATENCY_COUNT", "1000"))
LATENCY_RATE = int(os.environ.get("BENCH_LATENCY_RATE", "100"))
NAMESPACE, TENANTS = "bench", [f"t{i}" for i in range(8)]
RULES = json.dumps([{"assignee": "li.wei", "group": "noc"}])


def submission(ref: str, i: int) -> bytes:
    return json.dumps(
        {"tenant_id": TENANTS[i % len(TENANTS)], "source": "phone", "external_ref": ref,
         "type": "incident", "subject": "宽带无法上网", "contact": {"phone": "+8613800138000"},
         "urgency": 1 + i % 3, "impact": 1 + (i // 3) % 3}
    ).encode()  # fmt: skip


class Pipeline:
    """What the services' own databases show; every query is served by an index (a scan per
    poll would slow the very server the pipeline runs on)."""

    def __init__(self, mongo: AsyncMongoClient[dict[str, Any]]) -> None:
        self._gateway = mongo[f"{NAMESPACE}_gateway"]["tickets"]
        self._sla = mongo[f"{NAMESPACE}_sla"]["ticket_slas"]

    async def done(self, since: datetime) -> int:
        """Tickets registered since ``since``, assigned in the read model, and with SLA
        clocks (the SLA service holds no other tickets)."""
        query = {"status": "assigned", "registered_at": {"$gte": since}}
        assigned = await self._gateway.count_documents(query)
        return min(assigned, await self._sla.estimated_document_count())

    async def assigned_since(self, since: datetime) -> list[str]:
        query = {"status": "assigned", "registered_at": {"$gte": since}}
        return [d["external_ref"] async for d in self._gateway.find(query, {"external_ref": 1})]


async def sustained(producer: AIOKafkaProducer, pipeline: Pipeline, topic: str) -> Rate:
    since = datetime.now(UTC) - timedelta(seconds=1)
    start = time.perf_counter()
    for i in range(COUNT):
        ref = f"burst-{i:06d}"
        await producer.send(topic, submission(ref, i), key=ref.encode())
    await producer.flush()
    while await pipeline.done(since) < COUNT:  # noqa: ASYNC110 - polling other processes' data
        await asyncio.sleep(DONE_POLL_S)
    return Rate(COUNT, time.perf_counter() - start)


async def latency(producer: AIOKafkaProducer, pipeline: Pipeline, topic: str) -> list[float]:
    refs = [f"steady-{i:06d}" for i in range(LATENCY_COUNT)]
    sent_at: dict[str, float] = {}
    seen_at: dict[str, float] = {}
    window = [datetime.now(UTC) - timedelta(seconds=1)]

    async def watch() -> None:
        while len(seen_at) < len(refs):
            now = time.perf_counter()
            for ref in await pipeline.assigned_since(window[0]):
                seen_at.setdefault(ref, now)
            # Registered in sending order, roughly: look back a little before the oldest one
            # not seen yet, so the window stays small.
            waiting = next((r for r in refs if r not in seen_at), None)
            if waiting is not None and waiting in sent_at:
                behind = time.perf_counter() - sent_at[waiting]
                window[0] = datetime.now(UTC) - timedelta(seconds=behind + 2)
            await asyncio.sleep(SEEN_POLL_S)

    watcher = asyncio.create_task(watch())
    start = time.perf_counter()
    for i, ref in enumerate(refs):
        sent_at[ref] = time.perf_counter()
        await producer.send_and_wait(topic, submission(ref, i), key=ref.encode())
        await asyncio.sleep(max(0.0, start + (i + 1) / LATENCY_RATE - time.perf_counter()))
    await watcher
    return sorted(seen_at[r] - sent_at[r] for r in refs)


def rss_mb(process: ManagedProcess) -> float:
    status = Path(f"/proc/{process.pid}/status").read_text()
    line = next(x for x in status.splitlines() if x.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


async def main(endpoints: Endpoints, logs: Path) -> None:
    floor_a = await kafka_mongo_floor(endpoints, COUNT)
    floor_b = await kafka_mongo_batch_floor(endpoints, COUNT)
    print(f"floor (a) per message: {floor_a.per_second:,.0f}/s", flush=True)
    print(f"floor (b) per batch:   {floor_b.per_second:,.0f}/s", flush=True)
    topics = Topics(NAMESPACE)
    await ensure_topics(endpoints.kafka_bootstrap, [topics.upstream_submissions])
    ports = {name: free_port() for name in SERVICES}
    envs = {
        n: service_env(endpoints, ports[n], NAMESPACE, f"{NAMESPACE}_{n}")
        | {"TICKETFLOW_REPLICA_ID": n, "TICKETFLOW_LOG_LEVEL": "WARNING"}
        for n in SERVICES
    }
    envs["dispatch"] |= {"TICKETFLOW_ASSIGNMENT_RULES": RULES}
    processes = await asyncio.to_thread(start_services, envs, logs)
    mongo: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(endpoints.mongo_url)
    producer = AIOKafkaProducer(bootstrap_servers=endpoints.kafka_bootstrap, linger_ms=2)
    await producer.start()
    try:
        for tenant in TENANTS:
            await provision_tenant(f"http://127.0.0.1:{ports['intake']}", tenant)
        pipeline, topic = Pipeline(mongo), topics.upstream_submissions
        before = await server_counters(mongo)
        rate = await sustained(producer, pipeline, topic)
        spent = usage_between(before, await server_counters(mongo))
        print_ratio(f"end to end, {COUNT} at once (vs floor a)", rate, floor_a)
        print_ratio(f"end to end, {COUNT} at once (vs floor b)", rate, floor_b)
        print_profile(f"database server, {COUNT} at once", spent, COUNT)
        delays = await latency(producer, pipeline, topic)
        p50, p99 = delays[len(delays) // 2], delays[int(len(delays) * 0.99) - 1]
        print(f"latency at {LATENCY_RATE}/s: p50 {p50 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms")
        print("RSS: " + ", ".join(f"{p.name} {rss_mb(p):.0f} MB" for p in processes))
    finally:
        await producer.stop()
        await mongo.close()
        for process in processes:
            await asyncio.to_thread(process.stop)


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp, local_servers(Path(tmp)) as servers:
        asyncio.run(main(servers, Path(tmp) / "logs"))
