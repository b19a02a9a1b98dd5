"""Splitting N shards of work between replicas with leases in MongoDB.

Each replica heartbeats in a members collection and holds at most its fair share
(⌈shards / live members⌉) of shard leases, claimed with an atomic conditional update: a
shard is taken only if its lease expired or is already ours. A replica that dies stops
renewing; its shards are free after ``lease`` and the others pick them up. Used for the
SLA timers (``scheduler_members`` / ``timer_shards``) and the outbox relays
(``relay_members`` / ``relay_shards``).
"""

import math
from datetime import datetime, timedelta
from typing import Any

from pymongo import ASCENDING, IndexModel
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError


def lease_indexes(members: str, shards: str) -> dict[str, list[IndexModel]]:
    return {
        members: [IndexModel([("seen_at", ASCENDING)])],
        shards: [IndexModel([("owner", ASCENDING)])],
    }


class MongoShardLeases:
    def __init__(
        self,
        db: AsyncDatabase[Any],
        replica_id: str,
        shards: int,
        lease: timedelta,
        collections: tuple[str, str],
    ) -> None:
        """``collections``: the names of the members and the shards collections."""
        self._members, self._shards = db[collections[0]], db[collections[1]]
        self._me, self._count, self._lease = replica_id, shards, lease
        self._owned: list[int] = []
        self._renew_after: datetime | None = None

    async def owned(self, now: datetime) -> list[int]:
        """Our shards; leases are renewed a third of a lease before they could lapse."""
        if self._renew_after is None or now >= self._renew_after:
            self._owned = await self._rebalance(now)
            self._renew_after = now + self._lease / 3
        return self._owned

    async def release_all(self) -> None:
        await self._shards.update_many({"owner": self._me}, {"$set": {"lease_until": None}})
        await self._members.delete_one({"_id": self._me})

    async def _rebalance(self, now: datetime) -> list[int]:
        await self._members.update_one({"_id": self._me}, {"$set": {"seen_at": now}}, upsert=True)
        live = await self._members.count_documents({"seen_at": {"$gt": now - self._lease}})
        fair = math.ceil(self._count / max(live, 1))
        mine = await self._renew(now)
        for extra in mine[fair:]:
            await self._shards.update_one(
                {"_id": extra, "owner": self._me}, {"$set": {"lease_until": None}}
            )
        mine = mine[:fair]
        for shard in range(self._count):
            if len(mine) >= fair:
                break
            if shard not in mine and await self._claim(shard, now):
                mine.append(shard)
        return sorted(mine)

    async def _renew(self, now: datetime) -> list[int]:
        """Extend every lease of ours that has not lapsed, in one write; the shards held."""
        ours = {"owner": self._me, "lease_until": {"$gt": now}}
        await self._shards.update_many(ours, {"$set": {"lease_until": now + self._lease}})
        held = self._shards.find(ours, {"_id": 1})
        return sorted(doc["_id"] for doc in await held.to_list())

    async def _claim(self, shard: int, now: datetime) -> bool:
        """Take ``shard`` if it is free: never leased, or its lease lapsed."""
        claimable = {"_id": shard, "lease_until": {"$not": {"$gt": now}}}
        update = {"$set": {"owner": self._me, "lease_until": now + self._lease}}
        try:
            result = await self._shards.update_one(claimable, update, upsert=True)
        except DuplicateKeyError:
            return False  # somebody else holds it
        return result.matched_count == 1 or result.upserted_id is not None
