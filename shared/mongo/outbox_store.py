"""The outbox collection: pending event messages written inside state-changing transactions."""

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from opentelemetry import propagate
from pymongo import ASCENDING, IndexModel, ReturnDocument
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from shared.events.codec import encode_event
from shared.events.envelope import EventEnvelope
from shared.events.topics import Topics
from shared.outbox.relay import OutboxMessage

OUTBOX = "outbox"
PENDING, SENT, PARKED = "pending", "sent", "parked"
SENT_RETENTION = timedelta(days=7)

OUTBOX_INDEXES = [
    IndexModel([("state", ASCENDING), ("created_at", ASCENDING), ("position", ASCENDING)]),
    IndexModel([("lease_owner", ASCENDING)], sparse=True),
    IndexModel([("sent_at", ASCENDING)], expireAfterSeconds=int(SENT_RETENTION.total_seconds())),
]


def outbox_documents(
    events: Sequence[EventEnvelope], topics: Topics, now: datetime
) -> list[dict[str, Any]]:
    """Outbox documents for ``events``, carrying the current trace context for the relay."""
    trace_headers: dict[str, str] = {}
    propagate.inject(trace_headers)
    return [
        {
            "_id": str(event.event_id),
            "topic": getattr(topics, event.topic_attr),
            "key": event.key,
            "value": encode_event(event),
            "headers": trace_headers | {"event_type": event.event_type},
            "state": PENDING,
            "created_at": now,
            "position": position,
        }
        for position, event in enumerate(events)
    ]


async def append_to_outbox(
    db: AsyncDatabase[Any],
    session: AsyncClientSession,
    events: Sequence[EventEnvelope],
    topics: Topics,
    now: datetime,
) -> None:
    if events:
        await db[OUTBOX].insert_many(outbox_documents(events, topics, now), session=session)


class MongoOutboxStore:
    def __init__(self, db: AsyncDatabase[Any]) -> None:
        self._outbox = db[OUTBOX]

    async def claim(
        self, owner: str, now: datetime, lease: timedelta, limit: int
    ) -> list[OutboxMessage]:
        claimable = {
            "state": PENDING,
            "$or": [{"lease_until": None}, {"lease_until": {"$lt": now}}],
        }
        cursor = self._outbox.find(claimable, {"_id": 1}).sort(
            [("created_at", ASCENDING), ("position", ASCENDING)]
        )
        ids = [doc["_id"] async for doc in cursor.limit(limit)]
        if not ids:
            return []
        await self._outbox.update_many(
            {"_id": {"$in": ids}, **claimable},
            {"$set": {"lease_owner": owner, "lease_until": now + lease}},
        )
        leased = self._outbox.find({"_id": {"$in": ids}, "lease_owner": owner, "state": PENDING})
        docs = await leased.sort([("created_at", ASCENDING), ("position", ASCENDING)]).to_list()
        return [_message(doc) for doc in docs]

    async def mark_sent(self, owner: str, ids: Sequence[str], now: datetime) -> None:
        await self._outbox.update_many(
            {"_id": {"$in": list(ids)}, "lease_owner": owner},
            {"$set": {"state": SENT, "sent_at": now}, "$unset": {"lease_until": ""}},
        )

    async def release(self, owner: str, ids: Sequence[str]) -> None:
        await self._outbox.update_many(
            {"_id": {"$in": list(ids)}, "lease_owner": owner, "state": PENDING},
            {"$set": {"lease_until": None, "lease_owner": None}},
        )

    async def record_failure(
        self, owner: str, message_id: str, error: str, now: datetime, park_after: int
    ) -> bool:
        doc = await self._outbox.find_one_and_update(
            {"_id": message_id, "lease_owner": owner, "state": PENDING},
            {
                "$inc": {"failures": 1},
                "$set": {
                    "last_error": error[:2000],
                    "failed_at": now,
                    "lease_until": None,
                    "lease_owner": None,
                },
            },
            return_document=ReturnDocument.AFTER,
        )
        if doc is None or doc["failures"] < park_after:
            return False
        await self._outbox.update_one(
            {"_id": message_id, "state": PENDING}, {"$set": {"state": PARKED, "parked_at": now}}
        )
        return True

    async def parked_count(self) -> int:
        return await self._outbox.count_documents({"state": PARKED})

    async def pending_count(self) -> int:
        return await self._outbox.count_documents({"state": PENDING})


def _message(doc: dict[str, Any]) -> OutboxMessage:
    return OutboxMessage(
        id=doc["_id"],
        topic=doc["topic"],
        key=bytes(doc["key"]),
        value=bytes(doc["value"]),
        headers=doc.get("headers", {}),
    )
