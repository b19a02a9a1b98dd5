"""MongoDB persistence of the SLA service: calendars, policies, ticket clocks and timers.

A ticket's timer is the ``next_due_at`` field of its SLA document, with the ``shard`` the
ticket belongs to; the ``(shard, next_due_at)`` index is what the scheduler scans.
"""

import asyncio
import zlib
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from bson import ObjectId
from pymongo import ASCENDING, IndexModel, ReturnDocument
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from services.sla.adapters.documents import (
    calendar_document,
    calendar_from,
    policy_from,
    ticket_document,
    ticket_from,
)
from services.sla.app.ports import DueTimer, RecomputeBatch
from services.sla.domain.calendar import Calendar
from services.sla.domain.policy import Policy, TenantSettings
from services.sla.domain.ticket_sla import TicketSla
from shared.errors import TransientConflict
from shared.events import EventEnvelope
from shared.events.codec import decode_event, encode_event
from shared.mongo.unit_of_work import MongoUnitOfWork, TransactionReads

CALENDARS, POLICIES, TICKETS = "calendars", "policies", "ticket_slas"
SETTINGS = "tenant_settings"
PENDING, RECOMPUTE_JOBS = "pending_events", "recompute_jobs"

INDEXES = {
    TICKETS: [
        IndexModel([("shard", ASCENDING), ("next_due_at", ASCENDING)]),
        IndexModel([("next_due_at", ASCENDING)]),
        IndexModel([("tenant_id", ASCENDING), ("open", ASCENDING)]),
        IndexModel([("tenant_id", ASCENDING), ("open", ASCENDING), ("_id", ASCENDING)]),
    ],
    PENDING: [IndexModel([("ticket_id", ASCENDING), ("arrived", ASCENDING)])],
    RECOMPUTE_JOBS: [IndexModel([("pending", ASCENDING), ("lease_until", ASCENDING)])],
}


# How many due timers one query looks at, as a multiple of the batch the scheduler wants.
_DUE_WINDOW = 4


def shard_of(ticket_id: str, shards: int) -> int:
    return zlib.crc32(ticket_id.encode()) % shards


class _OnePerTenant:
    """A collection of one document per tenant, read once per transaction."""

    def __init__(
        self,
        db: AsyncDatabase[Any],
        name: str,
        session: AsyncClientSession,
        reads: TransactionReads,
    ) -> None:
        self._collection, self._session, self._reads = db[name], session, reads

    async def _get(self, tenant_id: str) -> dict[str, Any] | None:
        return await self._reads.once(
            (self._collection.name, tenant_id),
            lambda: self._collection.find_one({"_id": tenant_id}, session=self._session),
        )

    async def _put(self, tenant_id: str, doc: dict[str, Any]) -> None:
        await self._collection.replace_one(
            {"_id": tenant_id}, {"_id": tenant_id, **doc}, upsert=True, session=self._session
        )
        self._reads.forget((self._collection.name, tenant_id))

    async def delete(self, tenant_id: str) -> bool:
        result = await self._collection.delete_one({"_id": tenant_id}, session=self._session)
        self._reads.forget((self._collection.name, tenant_id))
        return result.deleted_count == 1


class MongoCalendarRepository(_OnePerTenant):
    def __init__(
        self, db: AsyncDatabase[Any], session: AsyncClientSession, reads: TransactionReads
    ) -> None:
        super().__init__(db, CALENDARS, session, reads)

    async def get(self, tenant_id: str) -> Calendar | None:
        doc = await self._get(tenant_id)
        return calendar_from(doc) if doc else None

    async def put(self, tenant_id: str, calendar: Calendar) -> None:
        await self._put(tenant_id, calendar_document(calendar))

    async def with_preset(self) -> list[str]:
        cursor = self._collection.find(
            {"preset.country": {"$exists": True}}, {"_id": 1}, session=self._session
        )
        return sorted([doc["_id"] async for doc in cursor])


class MongoPolicyRepository(_OnePerTenant):
    def __init__(
        self, db: AsyncDatabase[Any], session: AsyncClientSession, reads: TransactionReads
    ) -> None:
        super().__init__(db, POLICIES, session, reads)

    async def get(self, tenant_id: str) -> tuple[Policy, ...] | None:
        doc = await self._get(tenant_id)
        return tuple(policy_from(p) for p in doc["policies"]) if doc else None

    async def put(self, tenant_id: str, policies: Sequence[Policy]) -> None:
        await self._put(tenant_id, {"policies": [p.as_plain() for p in policies]})


class MongoSettingsRepository(_OnePerTenant):
    def __init__(
        self, db: AsyncDatabase[Any], session: AsyncClientSession, reads: TransactionReads
    ) -> None:
        super().__init__(db, SETTINGS, session, reads)

    async def get(self, tenant_id: str) -> TenantSettings | None:
        doc = await self._get(tenant_id)
        return TenantSettings(approval_time_counts=doc["approval_time_counts"]) if doc else None

    async def put(self, tenant_id: str, settings: TenantSettings) -> None:
        await self._put(tenant_id, {"approval_time_counts": settings.approval_time_counts})


class MongoTicketSlaRepository:
    def __init__(self, db: AsyncDatabase[Any], session: AsyncClientSession, shards: int) -> None:
        self._tickets, self._session, self._shards = db[TICKETS], session, shards

    async def get(self, ticket_id: str) -> TicketSla | None:
        doc = await self._tickets.find_one({"_id": ticket_id}, session=self._session)
        return ticket_from(doc) if doc else None

    async def add(self, sla: TicketSla, next_due_at: datetime | None) -> None:
        sla.version = 1
        await self._tickets.insert_one(self._document(sla, next_due_at), session=self._session)

    async def save(self, sla: TicketSla, next_due_at: datetime | None) -> None:
        expected = sla.version
        sla.version += 1
        result = await self._tickets.replace_one(
            {"_id": sla.ticket_id, "version": expected},
            self._document(sla, next_due_at),
            session=self._session,
        )
        if result.matched_count != 1:
            raise TransientConflict(f"SLA of ticket {sla.ticket_id} changed concurrently")

    async def open_ticket_ids(self, tenant_id: str, after: str = "", limit: int = 0) -> list[str]:
        query = {"tenant_id": tenant_id, "open": True, "_id": {"$gt": after}}
        cursor = self._tickets.find(query, {"_id": 1}).sort("_id", ASCENDING).limit(limit)
        return [doc["_id"] async for doc in cursor]

    async def count_open(self, tenant_id: str) -> int:
        return await self._tickets.count_documents({"tenant_id": tenant_id, "open": True})

    def _document(self, sla: TicketSla, next_due_at: datetime | None) -> dict[str, Any]:
        return {
            **ticket_document(sla),
            "open": sla.open,  # what a calendar or policy change must retarget
            "next_due_at": _ceil_to_millisecond(next_due_at),
            "shard": shard_of(sla.ticket_id, self._shards),
        }


def _ceil_to_millisecond(instant: datetime | None) -> datetime | None:
    """MongoDB keeps milliseconds: rounding up means a timer never fires before its instant."""
    if instant is None or instant.microsecond % 1000 == 0:
        return instant
    return instant + timedelta(microseconds=1000 - instant.microsecond % 1000)


class MongoPendingEventRepository:
    def __init__(self, db: AsyncDatabase[Any], session: AsyncClientSession) -> None:
        self._pending, self._session = db[PENDING], session

    async def _guard(self, ticket_id: str) -> None:
        # Parking (ticket not found) and registering (nothing parked) read disjoint data;
        # both writing this one document makes concurrent ones conflict and retry instead
        # of committing side by side and leaving a parked event behind.
        await self._pending.update_one(
            {"_id": f"guard:{ticket_id}"}, {"$inc": {"writes": 1}}, upsert=True,
            session=self._session,
        )  # fmt: skip

    async def park(self, event: EventEnvelope) -> None:
        await self._guard(event.ticket_id)
        doc = {"_id": str(event.event_id), "ticket_id": event.ticket_id,
               "arrived": ObjectId(), "event": encode_event(event)}  # fmt: skip
        await self._pending.insert_one(doc, session=self._session)

    async def take(self, ticket_id: str) -> list[EventEnvelope]:
        await self._guard(ticket_id)
        cursor = self._pending.find({"ticket_id": ticket_id}, session=self._session)
        docs = await cursor.sort("arrived", ASCENDING).to_list()
        # The guard was written above, so a concurrent park still conflicts with this
        # transaction; once the ticket exists nothing parks again, so it can go.
        await self._pending.delete_one({"_id": f"guard:{ticket_id}"}, session=self._session)
        if docs:
            await self._pending.delete_many({"ticket_id": ticket_id}, session=self._session)
        return [e for doc in docs if (e := decode_event(bytes(doc["event"]))) is not None]


class MongoRecomputeJobs:
    def __init__(self, db: AsyncDatabase[Any], session: AsyncClientSession) -> None:
        self._jobs, self._session = db[RECOMPUTE_JOBS], session

    async def request(self, tenant_id: str, now: datetime) -> None:
        await self._jobs.update_one(
            {"_id": tenant_id},
            {"$inc": {"generation": 1},
             "$set": {"after": "", "pending": True, "requested_at": now, "done": 0}},
            upsert=True, session=self._session,
        )  # fmt: skip


class MongoRecomputeQueue:
    def __init__(self, db: AsyncDatabase[Any]) -> None:
        self._jobs = db[RECOMPUTE_JOBS]

    async def claim(self, owner: str, now: datetime, lease_s: float) -> RecomputeBatch | None:
        free = {"pending": True, "lease_until": {"$not": {"$gte": now}}}
        job = await self._jobs.find_one_and_update(
            free,
            {"$set": {"lease_owner": owner, "lease_until": now + timedelta(seconds=lease_s)}},
            return_document=ReturnDocument.AFTER,
        )
        if job is None:
            return None
        return RecomputeBatch(job["_id"], job["generation"], job["after"], owner)

    async def advance(
        self, batch: RecomputeBatch, last: str | None, done: int, now: datetime
    ) -> None:
        progress: dict[str, Any] = {"lease_until": None, "lease_owner": None}
        if last is None:
            progress |= {"pending": False, "finished_at": now}
        else:
            progress |= {"after": last}
        await self._jobs.update_one(
            {"_id": batch.tenant_id, "generation": batch.generation, "lease_owner": batch.owner},
            {"$set": progress, "$inc": {"done": done}},
        )

    async def status(self, tenant_id: str) -> dict[str, Any] | None:
        fields = {"_id": 0, "generation": 1, "pending": 1, "done": 1, "requested_at": 1,
                  "finished_at": 1}  # fmt: skip
        return await self._jobs.find_one({"_id": tenant_id}, fields)


class MongoDueTimers:
    def __init__(self, db: AsyncDatabase[Any]) -> None:
        self._tickets = db[TICKETS]

    async def due(self, shards: Sequence[int], now: datetime, limit: int) -> list[DueTimer]:
        """Earliest-due first among ``shards``.

        The scheduler asks several times a second and almost always nothing is due, so
        this is one range query over ``next_due_at`` (its own index), the shards filtered
        here. Only when that window is full of other replicas' timers does it ask per shard:
        one equality query each, because an ``$in`` over the shard key is not served by the
        index on every MongoDB-compatible server (SecantusDB scans the collection)."""
        owned, window = set(shards), limit * _DUE_WINDOW
        cursor = self._tickets.find(
            {"next_due_at": {"$lte": now}}, {"_id": 1, "next_due_at": 1, "shard": 1}
        )
        docs = await cursor.sort("next_due_at", ASCENDING).limit(window).to_list()
        mine = [DueTimer(d["_id"], d["next_due_at"]) for d in docs if d.get("shard") in owned]
        if len(docs) < window or len(mine) >= limit:
            return mine[:limit]
        found = await asyncio.gather(*(self._due_in(s, now, limit) for s in shards))
        return sorted((t for timers in found for t in timers), key=lambda t: t.due_at)[:limit]

    async def _due_in(self, shard: int, now: datetime, limit: int) -> list[DueTimer]:
        query = {"shard": shard, "next_due_at": {"$lte": now}}
        cursor = self._tickets.find(query, {"_id": 1, "next_due_at": 1})
        cursor = cursor.sort("next_due_at", ASCENDING).limit(limit)
        return [DueTimer(doc["_id"], doc["next_due_at"]) async for doc in cursor]


class SlaMongoUnitOfWork(MongoUnitOfWork):
    calendars: MongoCalendarRepository
    policies: MongoPolicyRepository
    settings: MongoSettingsRepository
    tickets: MongoTicketSlaRepository
    pending: MongoPendingEventRepository
    recompute_jobs: MongoRecomputeJobs

    def __init__(self, *args: Any, shards: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.shards = shards

    def _bind(self, session: AsyncClientSession) -> None:
        self.calendars = MongoCalendarRepository(self.db, session, self.reads)
        self.policies = MongoPolicyRepository(self.db, session, self.reads)
        self.settings = MongoSettingsRepository(self.db, session, self.reads)
        self.tickets = MongoTicketSlaRepository(self.db, session, self.shards)
        self.pending = MongoPendingEventRepository(self.db, session)
        self.recompute_jobs = MongoRecomputeJobs(self.db, session)
