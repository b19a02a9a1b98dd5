"""The ticket read model in MongoDB."""

from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo import ASCENDING, DESCENDING, IndexModel
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from services.gateway.domain.idempotency import KeyRecord, StoredReply
from services.gateway.domain.projection import OPEN_STATUSES, ViewUpdate
from shared.mongo.unit_of_work import MongoUnitOfWork

TICKETS = "tickets"
IDEMPOTENCY_KEYS = "idempotency_keys"

VIEW_INDEXES = {
    TICKETS: [
        IndexModel([("status", ASCENDING), ("registered_at", DESCENDING)]),
        IndexModel(
            [("tenant_id", ASCENDING), ("status", ASCENDING), ("registered_at", DESCENDING)]
        ),
        IndexModel([("registered_at", DESCENDING)]),
        IndexModel(
            [("tenant_id", ASCENDING), ("assignee", ASCENDING), ("registered_at", DESCENDING)]
        ),
        IndexModel(
            [
                ("tenant_id", ASCENDING),
                ("assignee", ASCENDING),
                ("appointment.starts_at", ASCENDING),
            ]
        ),
    ],
}


def indexes(idempotency_ttl_s: int) -> dict[str, list[IndexModel]]:
    """The read model's indexes, and the TTL after which an ``Idempotency-Key`` is forgotten."""
    keys = [IndexModel([("claimed_at", ASCENDING)], expireAfterSeconds=idempotency_ttl_s)]
    return {**VIEW_INDEXES, IDEMPOTENCY_KEYS: keys}


_HIDDEN = {"_id": 0, "aspect_at": 0}


class MongoTicketViews:
    def __init__(self, db: AsyncDatabase[Any], session: AsyncClientSession) -> None:
        self._tickets = db[TICKETS]
        self._session = session

    async def aspect_stamps(self, ticket_id: str) -> dict[str, datetime]:
        doc = await self._tickets.find_one(
            {"_id": ticket_id}, {"aspect_at": 1}, session=self._session
        )
        stored = doc.get("aspect_at", {}) if doc else {}
        return {aspect: _from_stamp(at) for aspect, at in stored.items()}

    async def save(self, ticket_id: str, update: ViewUpdate) -> None:
        stamps = {f"aspect_at.{aspect}": _stamp(at) for aspect, at in update.stamps.items()}
        await self._tickets.update_one(
            {"_id": ticket_id},
            {"$set": update.fields | stamps, "$setOnInsert": {"ticket_id": ticket_id}},
            upsert=True,
            session=self._session,
        )

    async def get(self, ticket_id: str) -> dict[str, Any] | None:
        return await self._tickets.find_one({"_id": ticket_id}, _HIDDEN, session=self._session)

    async def latest(
        self, status: str | None, tenant_id: str | None, limit: int
    ) -> list[dict[str, Any]]:
        query = {k: v for k, v in {"status": status, "tenant_id": tenant_id}.items() if v}
        cursor = self._tickets.find(query, _HIDDEN, session=self._session)
        return await cursor.sort("registered_at", DESCENDING).limit(limit).to_list()

    async def jobs(self, tenant_id: str, assignee: str, limit: int) -> list[dict[str, Any]]:
        query = {"tenant_id": tenant_id, "assignee": assignee, "status": {"$in": OPEN_STATUSES}}
        cursor = self._tickets.find(query, _HIDDEN, session=self._session)
        return await cursor.sort("appointment.starts_at", ASCENDING).limit(limit).to_list()


# Aspect stamps are kept as microseconds since the epoch: a BSON date keeps milliseconds,
# so an event 0.1 ms older than a stored stamp would compare as newer and undo it.
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def _stamp(at: datetime) -> int:
    return (at - _EPOCH) // _MICROSECOND


def _from_stamp(stored: int | datetime) -> datetime:
    # Views written before stamps were integers hold BSON dates.
    return stored if isinstance(stored, datetime) else _EPOCH + stored * _MICROSECOND


class GatewayMongoUnitOfWork(MongoUnitOfWork):
    views: MongoTicketViews

    def _bind(self, session: AsyncClientSession) -> None:
        self.views = MongoTicketViews(self.db, session)


class MongoIdempotencyKeys:
    """One document per (caller, key), forgotten after the TTL of ``indexes``."""

    def __init__(self, db: AsyncDatabase[Any]) -> None:
        self._keys = db[IDEMPOTENCY_KEYS]

    async def claim(
        self, key: str, fingerprint: str, now: datetime, stale_before: datetime
    ) -> bool:
        try:
            await self._keys.update_one(
                {"_id": key, "fingerprint": fingerprint, "reply": None,
                 "claimed_at": {"$lt": stale_before}},
                {"$set": {"claimed_at": now}},
                upsert=True,
            )  # fmt: skip
        except DuplicateKeyError:
            return False
        return True

    async def get(self, key: str) -> KeyRecord | None:
        doc = await self._keys.find_one({"_id": key})
        if doc is None:
            return None
        reply = doc.get("reply")
        stored = (
            StoredReply(reply["status"], reply["content_type"], reply["body"]) if reply else None
        )
        return KeyRecord(doc["fingerprint"], doc["claimed_at"], stored)

    async def keep(self, key: str, reply: StoredReply) -> None:
        kept = {"status": reply.status, "content_type": reply.content_type, "body": reply.body}
        await self._keys.update_one({"_id": key}, {"$set": {"reply": kept}})

    async def release(self, key: str) -> None:
        await self._keys.delete_one({"_id": key, "reply": None})
