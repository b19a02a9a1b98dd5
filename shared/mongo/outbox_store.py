"""The outbox collection: pending event messages written inside state-changing transactions."""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from opentelemetry import propagate
from pymongo import ASCENDING, DESCENDING, IndexModel, ReturnDocument
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from shared.events.codec import encode_event
from shared.events.envelope import EventEnvelope
from shared.events.topics import Topics
from shared.outbox.relay import OUTBOX_SHARDS, OutboxMessage, outbox_shard

OUTBOX = "outbox"
# Which relay publishes which outbox shards (see shared.mongo.leases).
RELAY_LEASES = ("relay_members", "relay_shards")
PENDING, SENT, PARKED = "pending", "sent", "parked"
SENT_RETENTION = timedelta(days=7)

COMMIT_ORDER = [("created_at", ASCENDING), ("position", ASCENDING)]
_UPDATE_CHUNK = 100
# What the relay publishes of a message, and its place in the commit order.
_PUBLISHED = {"topic": 1, "key": 1, "value": 1, "headers": 1, "created_at": 1, "position": 1}
# MongoDB keeps datetimes to the millisecond: order times are whole milliseconds.
_TICK = timedelta(milliseconds=1)
OUTBOX_INDEXES = [
    IndexModel([("key", ASCENDING), ("created_at", DESCENDING), ("position", DESCENDING)]),
    IndexModel([("state", ASCENDING), ("created_at", ASCENDING), ("position", ASCENDING)]),
    IndexModel(
        [
            ("state", ASCENDING),
            ("shard", ASCENDING),
            ("created_at", ASCENDING),
            ("position", ASCENDING),
        ]
    ),
    IndexModel([("sent_at", ASCENDING)], expireAfterSeconds=int(SENT_RETENTION.total_seconds())),
]


@dataclass(frozen=True)
class Outgoing:
    """A message for the relay to publish: an event, or another service's input (dispatch's
    follow-up submissions to intake). ``message_id`` is the outbox document's id."""

    message_id: str
    topic: str
    key: bytes
    value: bytes
    headers: dict[str, str]


def outgoing_event(event: EventEnvelope, topics: Topics) -> Outgoing:
    return Outgoing(
        str(event.event_id),
        getattr(topics, event.topic_attr),
        event.key,
        encode_event(event),
        {"event_type": event.event_type, "event_id": str(event.event_id)},
    )


def outbox_documents(
    messages: Sequence[Outgoing], now: datetime, first_position: int = 0
) -> list[dict[str, Any]]:
    """Outbox documents for ``messages``, carrying the current trace context for the relay;
    numbered from ``first_position`` within their transaction."""
    trace_headers: dict[str, str] = {}
    propagate.inject(trace_headers)
    now = _whole_millisecond(now)
    return [
        {
            "_id": message.message_id,
            "topic": message.topic,
            "key": message.key,
            "value": message.value,
            "headers": trace_headers | message.headers,
            "state": PENDING,
            "shard": outbox_shard(message.key),
            "created_at": now,
            "position": position,
        }
        for position, message in enumerate(messages, start=first_position)
    ]


async def append_to_outbox(
    db: AsyncDatabase[Any],
    session: AsyncClientSession,
    messages: Sequence[Outgoing],
    now: datetime,
) -> None:
    """Write ``messages`` to the outbox in the caller's transaction, each key's after the
    key's earlier ones.

    ``created_at`` orders a key's messages. It is the committing process's clock, but never
    earlier than the key's latest message already in the outbox: two transactions that
    change the same ticket conflict, so the one that commits second sees the first's
    message here, and a replica whose clock runs behind cannot put its event first."""
    if messages:
        await insert_outbox(db, session, outbox_documents(messages, now))


async def insert_outbox(
    db: AsyncDatabase[Any], session: AsyncClientSession, docs: list[dict[str, Any]]
) -> None:
    """Insert outbox documents of one transaction, each key's after its earlier ones."""
    if not docs:
        return
    floors = await _order_floors(db, session, {doc["key"] for doc in docs})
    for doc in docs:
        floor = floors.get(doc["key"])
        if floor is not None and doc["created_at"] < floor:
            doc["created_at"] = floor
    await db[OUTBOX].insert_many(docs, session=session)


async def _order_floors(
    db: AsyncDatabase[Any], session: AsyncClientSession, keys: set[bytes]
) -> dict[bytes, datetime]:
    """Per key that already has messages, the earliest order time a new one may take.

    One read for all the keys: a batch's transaction writes the messages of a hundred
    tickets at once, and one query each was most of its round trips. The outbox keeps a
    ticket's messages for ``SENT_RETENTION``, a few dozen at most, all on the key index."""
    latest: dict[bytes, datetime] = {}
    found = db[OUTBOX].find(
        {"key": {"$in": sorted(keys)}}, {"key": 1, "created_at": 1}, session=session
    )
    async for doc in found:
        key, at = bytes(doc["key"]), _aware(doc["created_at"])
        if key not in latest or at > latest[key]:
            latest[key] = at
    return {key: at + _TICK for key, at in latest.items()}


def _chunks(ids: Sequence[str]) -> Iterator[list[str]]:
    """An update over a long ``_id`` list in pieces: SecantusDB's time for one grows with the
    square of the list (1,000 ids: 3.4 s, ten times 100: 0.9 s); MongoDB does not mind."""
    for start in range(0, len(ids), _UPDATE_CHUNK):
        yield list(ids[start : start + _UPDATE_CHUNK])


def _whole_millisecond(moment: datetime) -> datetime:
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class ParkedMessage:
    id: str
    topic: str
    key: str
    event_type: str | None
    failures: int
    last_error: str | None
    created_at: datetime
    parked_at: datetime | None


class MongoOutboxStore:
    def __init__(self, db: AsyncDatabase[Any]) -> None:
        self._outbox = db[OUTBOX]

    async def oldest_pending(self, shards: Sequence[int], limit: int) -> list[OutboxMessage]:
        """Up to ``limit`` pending messages of ``shards``, the oldest first, in commit order."""
        if len(set(shards)) >= OUTBOX_SHARDS:  # all of them: one query in commit order
            cursor = self._outbox.find({"state": PENDING}, _PUBLISHED).sort(COMMIT_ORDER)
            return [_message(doc) for doc in await cursor.limit(limit).to_list()]
        # One equality query per shard: an $in over the shard is a collection scan on some
        # MongoDB-compatible servers, and the outbox holds a week of sent messages.
        found: list[dict[str, Any]] = []
        for shard in shards:
            cursor = self._outbox.find({"state": PENDING, "shard": shard}, _PUBLISHED)
            found += await cursor.sort(COMMIT_ORDER).limit(limit).to_list()
        found.sort(key=lambda doc: (doc["created_at"], doc["position"]))
        return [_message(doc) for doc in found[:limit]]

    async def assign_missing_shards(self) -> None:
        """Pending messages written before outbox shards existed get theirs (at start-up)."""
        async for doc in self._outbox.find({"state": PENDING, "shard": None}, {"key": 1}):
            await self._outbox.update_one(
                {"_id": doc["_id"]}, {"$set": {"shard": outbox_shard(bytes(doc["key"]))}}
            )

    async def mark_sent(self, ids: Sequence[str], now: datetime) -> None:
        for chunk in _chunks(ids):
            await self._outbox.update_many(
                {"_id": {"$in": chunk}, "state": PENDING},
                {"$set": {"state": SENT, "sent_at": now}},
            )

    async def record_failure(
        self, message_id: str, error: str, now: datetime, park_after: int
    ) -> bool:
        doc = await self._outbox.find_one_and_update(
            {"_id": message_id, "state": PENDING},
            {"$inc": {"failures": 1}, "$set": {"last_error": error[:2000], "failed_at": now}},
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

    async def parked(self, limit: int) -> list[ParkedMessage]:
        """The parked messages, oldest first."""
        cursor = self._outbox.find({"state": PARKED}).sort(COMMIT_ORDER).limit(limit)
        return [_parked(doc) async for doc in cursor]

    async def unpark(self, ids: Sequence[str]) -> list[str]:
        """Send these parked messages again (every parked one when ``ids`` is empty): they
        become pending with no failures, and the relay takes them in their commit order."""
        chosen = await self._parked_ids(ids)
        await self._outbox.update_many(
            {"_id": {"$in": chosen}, "state": PARKED},
            {"$set": {"state": PENDING, "failures": 0}, "$unset": {"parked_at": ""}},
        )  # fmt: skip
        return chosen

    async def purge_parked(self, ids: Sequence[str]) -> list[str]:
        """Give these parked messages up for good (every parked one when ``ids`` is empty)."""
        chosen = await self._parked_ids(ids)
        await self._outbox.delete_many({"_id": {"$in": chosen}, "state": PARKED})
        return chosen

    async def _parked_ids(self, ids: Sequence[str]) -> list[str]:
        query: dict[str, Any] = {"state": PARKED}
        if ids:
            query["_id"] = {"$in": list(ids)}
        return [doc["_id"] async for doc in self._outbox.find(query, {"_id": 1})]

    async def pending_count(self) -> int:
        return await self._outbox.count_documents({"state": PENDING})


def _parked(doc: dict[str, Any]) -> ParkedMessage:
    return ParkedMessage(
        id=doc["_id"],
        topic=doc["topic"],
        key=bytes(doc["key"]).decode(errors="replace"),
        event_type=doc.get("headers", {}).get("event_type"),
        failures=int(doc.get("failures", 0)),
        last_error=doc.get("last_error"),
        created_at=_aware(doc["created_at"]),
        parked_at=_aware(doc["parked_at"]) if doc.get("parked_at") else None,
    )


def _message(doc: dict[str, Any]) -> OutboxMessage:
    return OutboxMessage(
        id=doc["_id"],
        topic=doc["topic"],
        key=bytes(doc["key"]),
        value=bytes(doc["value"]),
        headers=doc.get("headers", {}),
    )
