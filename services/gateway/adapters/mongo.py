"""The ticket read model in MongoDB."""

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from pymongo import ASCENDING, DESCENDING, IndexModel
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError, OperationFailure

from services.gateway.app.ports import FeedChange
from services.gateway.domain.idempotency import KeyRecord, StoredReply
from services.gateway.domain.projection import OPEN_STATUSES, ViewUpdate, list_key
from services.gateway.domain.queries import Page, TicketFilter
from services.gateway.domain.search import anchor_token, holds_all
from shared.mongo.unit_of_work import MongoUnitOfWork

TICKETS = "tickets"
IDEMPOTENCY_KEYS = "idempotency_keys"
NOTIFICATIONS = "notifications"
# In-app notices are a feed, not an archive (the ticket's history keeps every delivery).
NOTIFICATION_TTL_S = 90 * 24 * 3600


def _by_tenant(*fields: str) -> IndexModel:
    """An index for a list within one tenant, filtered by ``fields`` and in list order."""
    keys = [("tenant_id", ASCENDING), *((f, ASCENDING) for f in fields)]
    return IndexModel([*keys, ("list_key", DESCENDING)])


VIEW_INDEXES = {
    TICKETS: [
        _by_tenant(),
        _by_tenant("status"),
        _by_tenant("assignee"),
        _by_tenant("group"),
        _by_tenant("tags"),
        _by_tenant("watchers"),
        _by_tenant("submitted_by"),
        _by_tenant("region"),
        _by_tenant("done_by"),
        # A customer's tickets by the number an agent types (multikey: one key a ticket).
        _by_tenant("customer_keys"),
        _by_tenant("severity", "status"),
        # Keywords: one token's tickets of a time window (see _with_keywords).
        _by_tenant("search"),
        IndexModel([("tenant_id", ASCENDING), ("number", ASCENDING)]),
        # Reports: one tenant's tickets registered in a period.
        IndexModel([("tenant_id", ASCENDING), ("registered_at", ASCENDING)]),
        IndexModel(
            [
                ("tenant_id", ASCENDING),
                ("assignee", ASCENDING),
                ("appointment.starts_at", ASCENDING),
            ]
        ),
    ],
}


# Keywords had (tenant_id, search) before the list order joined it.
RETIRED_INDEXES = {TICKETS: ["tenant_id_1_search_1"]}


def indexes(idempotency_ttl_s: int) -> dict[str, list[IndexModel]]:
    """The read model's indexes, and the TTL after which an ``Idempotency-Key`` is forgotten."""
    keys = [IndexModel([("claimed_at", ASCENDING)], expireAfterSeconds=idempotency_ttl_s)]
    notices = [
        IndexModel([("tenant_id", ASCENDING), ("recipient", ASCENDING), ("posted_at", DESCENDING)]),
        IndexModel([("posted_at", ASCENDING)], expireAfterSeconds=NOTIFICATION_TTL_S),
    ]
    return {**VIEW_INDEXES, IDEMPOTENCY_KEYS: keys, NOTIFICATIONS: notices}


# Bookkeeping no answer shows; a list leaves each ticket's history out as well.
_HIDDEN = {
    "_id": 0, "aspect_at": 0, "search": 0, "list_key": 0, "customer_keys": 0, "done_by": 0,
}  # fmt: skip
_LISTED = _HIDDEN | {"timeline": 0}


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

    async def current(self, ticket_id: str) -> tuple[dict[str, datetime], dict[str, Any]]:
        doc = await self._tickets.find_one(
            {"_id": ticket_id}, {"aspect_at": 1, **dict.fromkeys(_HANDLING, 1)},
            session=self._session,
        )  # fmt: skip
        if doc is None:
            return {}, {}
        stamps = {aspect: _from_stamp(at) for aspect, at in doc.get("aspect_at", {}).items()}
        return stamps, {k: doc[k] for k in _HANDLING if k in doc}

    async def save(self, ticket_id: str, update: ViewUpdate) -> None:
        stamps = {f"aspect_at.{aspect}": _stamp(at) for aspect, at in update.stamps.items()}
        entries = {f"timeline.{event_id}": e for event_id, e in update.entries.items()}
        await self._tickets.update_one(
            {"_id": ticket_id},
            {"$set": update.fields | stamps | entries, "$setOnInsert": {"ticket_id": ticket_id}},
            upsert=True,
            session=self._session,
        )

    async def get(self, ticket_id: str) -> dict[str, Any] | None:
        return await self._tickets.find_one({"_id": ticket_id}, _HIDDEN, session=self._session)

    async def search(self, query: TicketFilter, page: Page, now: datetime) -> list[dict[str, Any]]:
        """Up to ``page.limit`` views in list order after ``page.after``, each with its
        ``list_key`` (the cursor of the next page)."""
        if query.nothing:
            return []
        if page.oldest_first or query.number is not None:
            # A number is found through its own index; oldest first (an archive walk, keywords
            # or not) is one query over the whole range.
            keys = {"$gt" if page.oldest_first else "$lt": page.after} if page.after else {}
            order = ASCENDING if page.oldest_first else DESCENDING
            return await self._page(ticket_query(query), keys, order, page.limit)
        if query.tokens:
            return await self._newest(partial(self._with_keywords, query), page, now)
        return await self._newest(partial(self._page, ticket_query(query)), page, now)

    async def _newest(self, fetch: "_Fetch", page: Page, now: datetime) -> list[dict[str, Any]]:
        """Newest first, one time window at a time, each four times the last, back from the
        cursor (or now): MongoDB answers a window from the index range alone, where one
        query over the whole range makes SecantusDB fetch and sort every matching ticket
        (seconds at 50,000). After about two years back, the rest is one last query."""
        upper, found = page.after, list[dict[str, Any]]()
        start = _cursor_time(page.after) or now
        for span in _WINDOWS:
            lower = list_key(start - span, "")
            window = {"$gte": lower} | ({"$lt": upper} if upper else {})
            found += await fetch(window, DESCENDING, page.limit - len(found))
            if len(found) >= page.limit:
                return found
            upper = lower
        return found + await fetch({"$lt": upper}, DESCENDING, page.limit - len(found))

    async def _with_keywords(
        self, query: TicketFilter, keys: dict[str, Any], order: int, limit: int
    ) -> list[dict[str, Any]]:
        """The window's tickets holding every keyword. An index finds the candidates: one
        person's tickets when the filter is about one person (a requester's own, an
        engineer's), else the tickets holding the anchor token — an equality and a range on
        ``(tenant_id, …, list_key)``, which SecantusDB answers from the index where ``$all``
        makes it scan the tenant. The tokens are checked on the candidates, and the rest of
        the filter, if any, by MongoDB on those alone."""
        rest = ticket_query(replace(query, tokens=()))
        personal = _one_person(rest)
        complete = personal or rest == {"tenant_id": query.tenant_id}
        driver = rest if personal else {
            "tenant_id": query.tenant_id, "search": anchor_token(query.tokens),
        }  # fmt: skip
        shown = (
            {k: v for k, v in _LISTED.items() if k not in ("list_key", "search")}
            if complete
            else {"ticket_id": 1, "search": 1}
        )
        cursor = self._tickets.find(driver | {"list_key": keys}, shown, session=self._session)
        found = [
            doc
            for doc in await cursor.sort("list_key", order).to_list()
            if holds_all(doc.pop("search", ()), query.tokens)
        ]
        if complete:
            return found[:limit]
        return await self._among([d["ticket_id"] for d in found], rest, order, limit)

    async def _among(
        self, ticket_ids: list[str], query: dict[str, Any], order: int, limit: int
    ) -> list[dict[str, Any]]:
        """Those of ``ticket_ids`` (in list order) that match ``query``, a chunk at a time
        until ``limit`` are found: SecantusDB checks ``$in`` against every candidate, so one
        query over thousands of ids costs their square."""
        kept: list[dict[str, Any]] = []
        for first in range(0, len(ticket_ids), _AMONG_CHUNK):
            chunk = {"_id": {"$in": ticket_ids[first : first + _AMONG_CHUNK]}}
            kept += await self._page(chunk | query, {}, order, limit - len(kept))
            if len(kept) >= limit:
                break
        return kept

    async def _page(
        self, query: dict[str, Any], keys: dict[str, Any], order: int, limit: int
    ) -> list[dict[str, Any]]:
        found = query | ({"list_key": keys} if keys else {})
        shown = {k: v for k, v in _LISTED.items() if k != "list_key"}
        cursor = self._tickets.find(found, shown, session=self._session)
        return await cursor.sort("list_key", order).limit(limit).to_list()

    async def jobs(self, tenant_id: str, assignee: str, limit: int) -> list[dict[str, Any]]:
        """Scheduled jobs by appointment, then the unscheduled ones (Mongo would sort a
        missing appointment first)."""
        mine = {"tenant_id": tenant_id, "assignee": assignee, "status": {"$in": OPEN_STATUSES}}
        scheduled = await self._find(
            mine | {"appointment.starts_at": {"$ne": None}}, "appointment.starts_at", limit
        )
        rest = limit - len(scheduled)
        if rest <= 0:
            return scheduled
        return scheduled + await self._find(mine | {"appointment": None}, "list_key", rest)

    async def of_customer(self, tenant_id: str, key: str, limit: int) -> list[dict[str, Any]]:
        """One equality on the multikey index, in list order: no ``$in`` or ``$all`` on the
        keys, which SecantusDB answers by scanning."""
        query = {"tenant_id": tenant_id, "customer_keys": key}
        cursor = self._tickets.find(query, _LISTED, session=self._session)
        return await cursor.sort("list_key", DESCENDING).limit(limit).to_list()

    async def _find(self, query: dict[str, Any], order: str, limit: int) -> list[dict[str, Any]]:
        cursor = self._tickets.find(query, _LISTED, session=self._session)
        return await cursor.sort(order, ASCENDING).limit(limit).to_list()


# Fields naming one person, each with an index (tenant_id, field, list_key): a person's
# tickets are fewer than those holding a common word.
_PERSONAL = {"submitted_by", "assignee", "watchers", "done_by"}

# How many candidate ids one query checks against the rest of a keyword query's filter.
_AMONG_CHUNK = 100

# A window's views: (list_key range, order, at most how many).
_Fetch = Callable[[dict[str, Any], int, int], Awaitable[list[dict[str, Any]]]]

# What a projection reads of the stored view besides the stamps (projection.handling).
_HANDLING = ("handled_by", "assignee", "status")

# An hour, then four times longer each time: about two years back in eight windows.
_WINDOWS = [timedelta(hours=4**n) for n in range(8)]


def _one_person(query: dict[str, Any]) -> bool:
    """Whether ``query`` is a tenant's tickets of one named person, and nothing else."""
    named = [v for k, v in query.items() if k != "tenant_id"]
    return len(query) == 2 and query.keys() - {"tenant_id"} <= _PERSONAL and named != [None]


def _cursor_time(cursor: str | None) -> datetime | None:
    if cursor is None:
        return None
    try:
        at = datetime.strptime(cursor.split("|", 1)[0], "%Y-%m-%dT%H:%M:%S.%f")
        return at.replace(tzinfo=UTC)
    except ValueError:
        return None  # not a cursor of ours: it still bounds the query, from now on


def ticket_query(f: TicketFilter) -> dict[str, Any]:
    """The filter as a MongoDB query; every part is an equality, a range or an ``$in`` (no
    ``$or``, which SecantusDB answers by scanning)."""
    query: dict[str, Any] = {"tenant_id": f.tenant_id}
    for name, values in (("status", f.statuses), ("type", f.types), ("priority", f.priorities),
                         ("severity", f.severities), ("source", f.sources),
                         ("group", f.groups), ("region", f.regions)):  # fmt: skip
        if values:
            query[name] = values[0] if len(values) == 1 else {"$in": list(values)}
    for name, value in (("tags", f.tag), ("assignee", f.assignee), ("group", f.group),
                        ("region", f.region), ("watchers", f.watcher),
                        ("submitted_by", f.submitted_by), ("done_by", f.done_by)):  # fmt: skip
        if value is not None:
            query[name] = value
    if f.unassigned:
        query["assignee"] = None
    if f.overdue is not None:
        query["overdue"] = True if f.overdue else {"$ne": True}
    query |= _ranges(f)
    if f.tokens:
        query["search"] = {"$all": list(f.tokens)}
    if f.number is not None:
        query["number"] = _number(f.number)
    return query


def _ranges(f: TicketFilter) -> dict[str, Any]:
    ranges: dict[str, Any] = {}
    for name, low, high in (("registered_at", f.created_from, f.created_to),
                            ("updated_at", f.updated_from, f.updated_to)):  # fmt: skip
        bounds = {op: at for op, at in (("$gte", low), ("$lt", high)) if at is not None}
        if bounds:
            ranges[name] = bounds
    return ranges


def _number(number: str) -> str | dict[str, str]:
    """``acme-2026`` exactly, or ``acme-2026*``: every number it starts (an index range)."""
    if not number.endswith("*"):
        return number
    prefix = number.rstrip("*")
    return {"$gte": prefix, "$lt": prefix + "\uffff"}


class MongoTicketFeed:
    """Changes of the read model as they are written, from a MongoDB change stream: every
    gateway replica sees every change, whichever replica's consumer projected it, and a
    change's resume token is the live feed's event id."""

    def __init__(self, db: AsyncDatabase[Any]) -> None:
        self._tickets = db[TICKETS]

    async def follow(self, tenant_id: str, resume_from: str | None) -> AsyncIterator[FeedChange]:
        pipeline = [{"$match": {"fullDocument.tenant_id": tenant_id}}]
        try:
            stream = await self._watch(pipeline, resume_from)
        except OperationFailure:
            # A resume point the server no longer has (or never had): the caller reloads.
            yield FeedChange(None, None)
            stream = await self._watch(pipeline, None)
        async with stream:
            async for change in stream:
                if change.get("fullDocument"):
                    yield FeedChange(change["_id"]["_data"], change["fullDocument"])

    async def _watch(self, pipeline: list[dict[str, Any]], resume_from: str | None) -> Any:
        resume = {"_data": resume_from} if resume_from else None
        return await self._tickets.watch(
            pipeline, full_document="updateLookup", resume_after=resume
        )


# Aspect stamps are kept as microseconds since the epoch: a BSON date keeps milliseconds,
# so an event 0.1 ms older than a stored stamp would compare as newer and undo it.
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def _stamp(at: datetime) -> int:
    return (at - _EPOCH) // _MICROSECOND


def _from_stamp(stored: int | datetime) -> datetime:
    # Views written before stamps were integers hold BSON dates.
    return stored if isinstance(stored, datetime) else _EPOCH + stored * _MICROSECOND


class MongoNotifications:
    def __init__(self, db: AsyncDatabase[Any], session: AsyncClientSession) -> None:
        self._notices = db[NOTIFICATIONS]
        self._session = session

    async def post(self, item: dict[str, Any]) -> None:
        await self._notices.update_one(
            {"_id": item["_id"]}, {"$setOnInsert": item}, upsert=True, session=self._session
        )

    async def of(
        self, tenant_id: str, recipient: str, unread_only: bool, limit: int
    ) -> list[dict[str, Any]]:
        query: dict[str, Any] = {"tenant_id": tenant_id, "recipient": recipient}
        if unread_only:
            query["read_at"] = None
        cursor = self._notices.find(query, session=self._session).sort("posted_at", DESCENDING)
        return [_notice(doc) for doc in await cursor.limit(limit).to_list()]

    async def mark_read(self, tenant_id: str, recipient: str, item_id: str, at: datetime) -> bool:
        found = await self._notices.find_one(
            {"_id": item_id, "tenant_id": tenant_id, "recipient": recipient},
            session=self._session,
        )  # fmt: skip
        if found is None:
            return False
        if found.get("read_at") is None:
            await self._notices.update_one(
                {"_id": item_id}, {"$set": {"read_at": at}}, session=self._session
            )
        return True


def _notice(doc: dict[str, Any]) -> dict[str, Any]:
    return {"notice_id": doc["_id"], **{k: v for k, v in doc.items() if k != "_id"}}


class MongoNotificationFeed:
    """Notices as they are posted, from a change stream: any replica's consumer kept them."""

    def __init__(self, db: AsyncDatabase[Any]) -> None:
        self._notices = db[NOTIFICATIONS]

    async def follow(
        self, tenant_id: str, recipient: str, resume_from: str | None
    ) -> AsyncIterator[FeedChange]:
        pipeline = [{"$match": {
            "operationType": "insert", "fullDocument.tenant_id": tenant_id,
            "fullDocument.recipient": recipient,
        }}]  # fmt: skip
        try:
            stream = await self._watch(pipeline, resume_from)
        except OperationFailure:
            yield FeedChange(None, None)
            stream = await self._watch(pipeline, None)
        async with stream:
            async for change in stream:
                yield FeedChange(change["_id"]["_data"], _notice(change["fullDocument"]))

    async def _watch(self, pipeline: list[dict[str, Any]], resume_from: str | None) -> Any:
        resume = {"_data": resume_from} if resume_from else None
        return await self._notices.watch(pipeline, resume_after=resume)


class GatewayMongoUnitOfWork(MongoUnitOfWork):
    views: MongoTicketViews
    notifications: MongoNotifications

    def _bind(self, session: AsyncClientSession) -> None:
        self.views = MongoTicketViews(self.db, session)
        self.notifications = MongoNotifications(self.db, session)


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
