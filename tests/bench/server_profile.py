"""Where the database server's time goes during a benchmark, from its own ``top`` counters.

SecantusDB (the local MongoDB wire-protocol server) is written in Python: every operation
costs server CPU in the order of a millisecond, on the same two cores as the services. A
pipeline whose services together spend S ms of server time per ticket cannot go faster
than about 1000 / S tickets per second per server core, whatever the services do. So the
benches print, beside the floors, the server time per ticket of each service's database
and its busiest collections — the profile that says whether the server is the wall.
"""

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pymongo import AsyncMongoClient

# top's counters, microseconds and counts per "db.collection".
Counters = dict[str, tuple[float, int]]


async def server_counters(client: AsyncMongoClient[Any]) -> Counters:
    totals = (await client.admin.command("top"))["totals"]
    return {
        name: (float(entry["total"]["time"]), int(entry["total"]["count"]))
        for name, entry in totals.items()
        if isinstance(entry, Mapping) and "total" in entry
    }


@dataclass(frozen=True)
class Usage:
    """Server time and operations spent on one database (or collection) between two
    snapshots."""

    name: str
    micros: float
    ops: int

    def per_item(self, items: int) -> tuple[float, float]:
        """(ms, operations) per item."""
        return self.micros / 1000 / items, self.ops / items


def usage_between(before: Counters, after: Counters) -> list[Usage]:
    """Per collection, busiest first."""
    spent = []
    for name, (micros, ops) in after.items():
        was_micros, was_ops = before.get(name, (0.0, 0))
        if ops > was_ops:
            spent.append(Usage(name, micros - was_micros, ops - was_ops))
    return sorted(spent, key=lambda u: -u.micros)


def per_database(collections: list[Usage]) -> list[Usage]:
    micros: dict[str, float] = defaultdict(float)
    ops: dict[str, int] = defaultdict(int)
    for usage in collections:
        db = usage.name.split(".", 1)[0]
        micros[db] += usage.micros
        ops[db] += usage.ops
    return sorted((Usage(db, micros[db], ops[db]) for db in micros), key=lambda u: -u.micros)


def print_profile(title: str, collections: list[Usage], items: int, top: int = 8) -> None:
    """Server time per item of each database, the total, and the ``top`` busiest
    collections; then the rate the server alone would allow at that cost."""
    databases = per_database(collections)
    total = sum(u.micros for u in databases) / 1000 / items
    print(f"{title}: server time per item {total:.2f} ms "
          f"(≈ {1000 / total:,.0f} items/s per server core at most)", flush=True)  # fmt: skip
    for usage in databases:
        ms, ops = usage.per_item(items)
        print(f"  {usage.name:28} {ms:7.2f} ms  {ops:6.1f} ops", flush=True)
    print("  busiest collections:", flush=True)
    for usage in collections[:top]:
        ms, ops = usage.per_item(items)
        print(f"    {usage.name:44} {ms:7.2f} ms  {ops:6.1f} ops", flush=True)
