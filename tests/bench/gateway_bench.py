"""Gateway read benchmark with 100 000 tickets in the read model (SPEC §9): open list
p95 < 100 ms, number search p95 < 20 ms, keyword search p95 < 200 ms, a month's report
< 1 s — over HTTP with a real token, beside the raw MongoDB query floor of the same run.

    uv run python -m tests.bench.gateway_bench [--tickets 100000] [--rounds 50]
    TICKETFLOW_TEST_DATA_DIR=/tmp/gwbench uv run python -m tests.bench.gateway_bench --reuse
        (loads once, about ten minutes; later runs time the same read model)

1. Loads ``--tickets`` views into the gateway's read model, built by the gateway's own
   projection from registrations (two tenants; subjects in Chinese, Russian and English),
   half of them assigned, some resolved.
2. Starts the gateway as a process, the way ``make run`` does, trusting a loopback test
   issuer, and times each request (a supervisor's token of tenant A) ``--rounds`` times.
3. Times the same queries straight on MongoDB (pymongo): the floor (a keyword query as
   one equality on its anchor token, the gateway's first index step).

Servers: ``TICKETFLOW_INFRA`` as for the tests (default: local Kafka + SecantusDB).
"""

import argparse
import asyncio
import random
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from tempfile import mkdtemp
from typing import Any

import httpx
from pymongo import AsyncMongoClient

from deploy.local.ports import free_port
from deploy.local.services import service_env, start_services
from services.gateway.adapters.mongo import RETIRED_INDEXES, TICKETS, indexes, ticket_query
from services.gateway.domain import projection
from services.gateway.domain.projection import list_key
from services.gateway.domain.queries import TicketFilter
from services.gateway.domain.search import anchor_token
from shared.events.submissions import RecordedContact
from shared.mongo.indexes import ensure_indexes
from shared.testing.builders import ticket_registered
from shared.testing.identity import serving_issuer
from tests.support.infra import servers_for_tests

NAMESPACE = "gwbench"
TENANTS = ("tenant-a", "tenant-b")
# The tickets of the last 35 days, one every 30 s, as a busy desk has them.
START = (datetime.now(UTC) - timedelta(days=35)).replace(minute=0, second=0, microsecond=0)
SUBJECTS = [
    "宽带无法上网，光猫红灯闪烁", "电视信号中断，机顶盒无法启动", "宽带速度慢，晚上经常掉线",
    "Посылка задерживается на сортировочном пункте", "Счёт за услуги выставлен дважды",
    "Не работает домашний интернет после грозы", "Broadband down since 08:00 in building 4",
    "VPN login fails for the whole finance team", "Mailbox full, cannot receive invoices",
]  # fmt: skip
NAMES = ["王女士", "李先生", "Иван Петров", "Анна Смирнова", "John Carter", "Mary Lee"]
BATCH = 2_000


def view(i: int) -> dict[str, Any]:
    tenant = TENANTS[i % 2]
    at = START + timedelta(seconds=i * 30)
    event = ticket_registered(f"b-{i}", tenant_id=tenant, at=at)
    payload = event.payload.model_copy(update={
        "number": f"{tenant}-{at:%Y%m%d}-{i:06d}",
        "subject": f"{SUBJECTS[i % len(SUBJECTS)]} #{i % 97}",
        "contact": RecordedContact(name=NAMES[i % len(NAMES)], phone=f"+86139{i:08d}"),
    })  # fmt: skip
    change = projection.registered(event.model_copy(update={"payload": payload}))
    fields = projection.update_for(change, {}).fields
    if i % 2:
        fields |= {"status": "assigned", "assignee": f"eng-{i % 40}", "group": f"g-{i % 8}"}
    if i % 7 == 0:
        fields |= {"status": "resolved", "resolved_at": at + timedelta(hours=3),
                   "accepted_at": at + timedelta(minutes=20)}  # fmt: skip
    return {"_id": f"b-{i}", "ticket_id": f"b-{i}", **fields}


async def load(db: Any, count: int) -> float:
    await ensure_indexes(db, indexes(86_400))
    started = time.perf_counter()
    for first in range(0, count, BATCH):
        await db[TICKETS].insert_many([view(i) for i in range(first, min(first + BATCH, count))])
        if (first + BATCH) % 20_000 == 0:
            print(f"  {first + BATCH:,} loaded, {time.perf_counter() - started:.0f} s", flush=True)
    return time.perf_counter() - started


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


async def timed(call: Callable[[], Awaitable[Any]], rounds: int) -> list[float]:
    await call()  # warm
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        await call()
        times.append((time.perf_counter() - started) * 1000)
    return times


def queries(count: int) -> dict[str, tuple[dict[str, Any], TicketFilter]]:
    """Name → (HTTP query parameters, the same filter for the floor)."""
    some = random.randrange(0, count, 2)
    number = view(some)["number"]
    a = TENANTS[0]
    return {
        "open list": ({"limit": 50}, TicketFilter(a)),
        "number search": ({"number": number}, TicketFilter(a, number=number)),
        "number prefix": ({"number": number[:-2] + "*", "limit": 50},
                          TicketFilter(a, number=number[:-2] + "*")),
        "keyword zh": ({"q": "无法上网", "limit": 50}, TicketFilter(a).with_text("无法上网")),
        "keyword ru": ({"q": "посылка", "limit": 50}, TicketFilter(a).with_text("посылка")),
        "keyword en": ({"q": "vpn finance", "limit": 50}, TicketFilter(a).with_text("vpn finance")),
    }  # fmt: skip


def raw_query(query: TicketFilter) -> dict[str, Any]:
    """The filter as one query; keywords as an equality on one token (``$all`` of every
    token makes SecantusDB scan the tenant, so that would be no floor)."""
    if not query.tokens:
        return ticket_query(query)
    return ticket_query(replace(query, tokens=())) | {"search": anchor_token(query.tokens)}


async def floor(db: Any, query: TicketFilter) -> None:
    """The page as one sorted query (SecantusDB fetches and sorts the whole range)."""
    cursor = db[TICKETS].find(raw_query(query), {"timeline": 0, "search": 0})
    await cursor.sort("list_key", -1).limit(50).to_list()


async def window_floor(db: Any, query: TicketFilter) -> None:
    """The same page from the last hour's index range alone: what the gateway asks first."""
    recent = {"$gte": list_key(datetime.now(UTC) - timedelta(hours=1), "")}
    cursor = db[TICKETS].find(raw_query(query) | {"list_key": recent}, {"timeline": 0})
    await cursor.sort("list_key", -1).limit(50).to_list()


async def run(count: int, rounds: int, reuse: bool) -> None:
    base = Path(mkdtemp(prefix="ticketflow-gwbench-"))
    with servers_for_tests() as endpoints, serving_issuer() as issuer:
        mongo: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
            endpoints.mongo_url, tz_aware=True
        )
        db = mongo[f"{NAMESPACE}_gateway"]
        if reuse and await db[TICKETS].count_documents({}) == count:
            print(f"reusing the {count:,} tickets of an earlier run", flush=True)
            await ensure_indexes(db, indexes(86_400), retired=RETIRED_INDEXES)
        else:
            await mongo.drop_database(db.name)
            print(f"loading {count:,} tickets into the read model …", flush=True)
            print(f"loaded in {await load(db, count):.0f} s", flush=True)
        port = free_port()
        env = service_env(endpoints, port, NAMESPACE, db.name) | {
            "TICKETFLOW_OIDC_ISSUER": issuer.url
        }
        processes = start_services({"gateway": env}, base / "logs")
        headers = issuer.headers(TENANTS[0], ["supervisor"])
        try:
            async with httpx.AsyncClient(
                base_url=f"http://127.0.0.1:{port}", headers=headers, timeout=60
            ) as client:
                await report(client, db, count, rounds)
        finally:
            for process in processes:
                process.stop()
            if not reuse:
                await mongo.drop_database(db.name)
            await mongo.close()


async def report(client: httpx.AsyncClient, db: Any, count: int, rounds: int) -> None:
    print(f"\n{'request':<16}{'gateway p95 ms':>16}{'median':>10}{'floor p95 ms':>15}"
          f"{'ratio':>8}{'1-h floor':>11}{'ratio':>8}")  # fmt: skip
    for name, (params, query) in queries(count).items():

        async def through_gateway(params: dict[str, Any] = params) -> None:
            response = await client.get("/tickets", params=params)
            response.raise_for_status()

        http = await timed(through_gateway, rounds)
        raw = await timed(partial(floor, db, query), rounds)
        recent = await timed(partial(window_floor, db, query), rounds)
        print(f"{name:<16}{p95(http):>16.1f}{statistics.median(http):>10.1f}"
              f"{p95(raw):>15.1f}{p95(http) / p95(raw):>8.1f}"
              f"{p95(recent):>11.1f}{p95(http) / p95(recent):>8.1f}")  # fmt: skip
    end = datetime.now(UTC)
    month = {"by": "day", "from": (end - timedelta(days=30)).isoformat(), "to": end.isoformat()}

    async def month_report() -> None:
        (await client.get("/reports/tickets", params=month)).raise_for_status()

    reports = await timed(month_report, max(3, rounds // 10))
    print(f"{'month report':<16}{p95(reports):>16.1f}{statistics.median(reports):>10.1f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument(
        "--reuse", action="store_true",
        help="keep the loaded read model, and use one an earlier --reuse run left (with "
        "TICKETFLOW_TEST_DATA_DIR set, so that the servers' data outlives the run)",
    )  # fmt: skip
    args = parser.parse_args()
    asyncio.run(run(args.tickets, args.rounds, args.reuse))


if __name__ == "__main__":
    main()
