"""One MongoDB transaction per use case: state, outbox and processed-event record together.

A service subclasses :class:`MongoUnitOfWork` and binds its repositories to
``self.session`` in :meth:`_bind`. Handlers then::

    async with uow:
        if await uow.already_processed("dispatch", event.event_id):
            return
        ...change state through uow's repositories...
        uow.publish(SomethingHappened(...))
        await uow.commit()

Leaving the block without :meth:`commit` aborts everything, events included.

Batch consumption (:mod:`shared.kafka.batches`) runs the use cases of a whole polled batch
inside one :class:`SharedTransaction`: a unit of work opened while one is current joins
it instead of starting its own, and its ``commit`` hands its events and processed-event
record to the shared transaction, which commits once for all. A use case that must undo
its writes raises; returning without ``commit`` after writing would keep them in a batch.

A repository may keep what it read or will write for the rest of the transaction in the
unit of work's ``state`` (the batch's, shared by its use cases) and register a
``before_commit`` hook that writes what it buffered: e.g. a batch's tickets in one
``insert_many`` at its end instead of one ``insert_one`` per event.
"""

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Collection, Hashable
from contextvars import ContextVar
from datetime import datetime
from types import TracebackType
from typing import Any, Self, TypeVar
from uuid import UUID

from pymongo import ASCENDING, AsyncMongoClient, IndexModel
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError, PyMongoError

from shared.clock import Clock
from shared.errors import SharedTransactionAborted, TransientConflict
from shared.events.envelope import EventEnvelope
from shared.events.topics import Topics
from shared.failures import is_transient
from shared.mongo.outbox_store import (
    Outgoing,
    append_to_outbox,
    insert_outbox,
    outbox_documents,
    outgoing_event,
)

PROCESSED_EVENTS = "processed_events"
T = TypeVar("T")
# Run just before a transaction commits, inside it: buffered writes go to the server here.
BeforeCommit = Callable[[], Awaitable[None]]


def processed_events_indexes(ttl_s: int) -> list[IndexModel]:
    """The dedup key, and the TTL that keeps the collection bounded (see MongoSettings)."""
    return [
        IndexModel([("consumer", ASCENDING), ("event_id", ASCENDING)], unique=True),
        IndexModel([("processed_at", ASCENDING)], expireAfterSeconds=ttl_s),
    ]


class TransactionReads:
    """What one transaction read, read once: inside a transaction's snapshot a second read
    returns the same unless the transaction itself wrote it, so a repository that reads
    through ``once`` must ``forget`` what it writes. A batch's use cases share theirs, so
    e.g. a tenant's configuration is read once per batch instead of once per event."""

    def __init__(self) -> None:
        self._values: dict[Hashable, Any] = {}

    async def once(self, key: Hashable, read: Callable[[], Awaitable[T]]) -> T:
        if key not in self._values:
            self._values[key] = await read()
        value: T = self._values[key]
        return value

    def forget(self, key: Hashable) -> None:
        self._values.pop(key, None)


class SharedTransaction:
    """The transaction of one batch: what its use cases committed, waiting for its end."""

    def __init__(
        self, session: AsyncClientSession, started_at: datetime, event_ids: Collection[str] = ()
    ) -> None:
        self.session = session
        # One order time for the batch, the position counting across it: a key's events
        # keep the order in which the batch's use cases committed them.
        self.started_at = started_at
        self.outbox: list[dict[str, Any]] = []
        self.processed: list[dict[str, Any]] = []
        self.seen: set[tuple[str, str]] = set()
        # The batch's event ids: which of them a consumer had already processed is one
        # query per consumer (kept in ``reads``) instead of one per event.
        self.event_ids = frozenset(event_ids)
        self.reads = TransactionReads()
        # What the batch's repositories keep for its later use cases (see the module doc).
        self.state: dict[str, Any] = {}
        self.before_commit: list[BeforeCommit] = []


class TransactionScope:
    """Where units of work find the shared transaction to join; one per service process.

    The current transaction is context-local, so only the task running the batch (and
    what it awaits) joins it; HTTP requests meanwhile keep their own transactions."""

    def __init__(
        self,
        client: AsyncMongoClient[Any],
        db: AsyncDatabase[Any],
        clock: Clock,
        on_commit: Callable[[], None] = lambda: None,
    ) -> None:
        self._client, self._db, self._clock = client, db, clock
        self._on_commit = on_commit
        self._current: ContextVar[SharedTransaction | None] = ContextVar(
            f"shared_transaction_{id(self)}", default=None
        )

    def current(self) -> SharedTransaction | None:
        return self._current.get()

    @contextlib.asynccontextmanager
    async def shared(self, event_ids: Collection[str] = ()) -> AsyncIterator[SharedTransaction]:
        """One transaction for everything the block's units of work commit; committed at
        the end of the block, aborted if it raises. ``event_ids``: those of the batch's
        messages, when they are known, to look their processed-event records up at once."""
        session = self._client.start_session()
        await session.start_transaction()
        shared = SharedTransaction(session, self._clock.now(), event_ids)
        token = self._current.set(shared)
        try:
            yield shared
            await self._commit(shared)
        except PyMongoError as error:
            if is_transient(error):
                raise TransientConflict(str(error)) from error
            raise
        finally:
            self._current.reset(token)
            if session.in_transaction:
                await session.abort_transaction()
            await session.end_session()
        if shared.outbox:
            self._on_commit()

    async def _commit(self, shared: SharedTransaction) -> None:
        for hook in shared.before_commit:
            await hook()
        if shared.processed:
            await self._db[PROCESSED_EVENTS].insert_many(shared.processed, session=shared.session)
        await insert_outbox(self._db, shared.session, shared.outbox)
        await shared.session.commit_transaction()


class MongoUnitOfWork:
    def __init__(
        self,
        client: AsyncMongoClient[Any],
        db: AsyncDatabase[Any],
        topics: Topics,
        clock: Clock,
        on_commit: Callable[[], None] = lambda: None,
        scope: TransactionScope | None = None,
    ) -> None:
        self.client = client
        self.db = db
        self.clock = clock
        self._topics = topics
        self._on_commit = on_commit
        self._scope = scope
        self._outgoing: list[Outgoing] = []
        # What the transaction read by key; shared with the batch's other use cases.
        self.reads = TransactionReads()
        self.state: dict[str, Any] = {}
        self._before_commit: list[BeforeCommit] = []
        self._session: AsyncClientSession | None = None
        self._shared: SharedTransaction | None = None
        self._processed: list[dict[str, Any]] = []

    @property
    def session(self) -> AsyncClientSession:
        if self._session is None:
            raise RuntimeError("the unit of work is used outside its 'async with' block")
        return self._session

    def now(self) -> datetime:
        return self.clock.now()

    async def __aenter__(self) -> Self:
        self._shared = self._scope.current() if self._scope else None
        if self._shared is not None:
            self._session = self._shared.session
            self.reads, self.state = self._shared.reads, self._shared.state
            self._before_commit = self._shared.before_commit
        else:
            self._session = self.client.start_session()
            await self._session.start_transaction()
            self.reads, self.state, self._before_commit = TransactionReads(), {}, []
        self._outgoing, self._processed = [], []
        self._bind(self._session)
        return self

    def _bind(self, session: AsyncClientSession) -> None:
        """Subclasses create their repositories on ``session`` here."""

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._shared is not None:
            self._session = self._shared = None
            # Retrying the use case alone cannot help: the batch's transaction is aborted,
            # or its snapshot older than the conflict.
            if isinstance(exc, TransientConflict) or (
                isinstance(exc, PyMongoError) and is_transient(exc)
            ):
                raise SharedTransactionAborted(str(exc)) from exc
            return
        session = self.session
        try:
            if session.in_transaction:
                await session.abort_transaction()
        finally:
            await session.end_session()
            self._session = None
        if isinstance(exc, PyMongoError) and is_transient(exc):
            raise TransientConflict(str(exc)) from exc

    def before_commit(self, hook: BeforeCommit) -> None:
        """Run ``hook`` inside the transaction just before it commits: the batch's when this
        unit of work joined one (once for the whole batch), else this one's."""
        self._before_commit.append(hook)

    def publish(self, *events: EventEnvelope) -> None:
        self._outgoing.extend(outgoing_event(event, self._topics) for event in events)

    def send(self, message: Outgoing) -> None:
        """Publish a message that is not one of the service's events, with them."""
        self._outgoing.append(message)

    async def already_processed(self, consumer: str, event_id: UUID) -> bool:
        """Record that ``consumer`` handles ``event_id`` in this transaction; True if it did.

        A duplicate fails on the unique index, which aborts the transaction: the caller
        must return without further writes.
        """
        record = {"consumer": consumer, "event_id": str(event_id), "processed_at": self.now()}
        if self._shared is not None:
            return await self._already_processed_in_batch(record)
        try:
            await self.db[PROCESSED_EVENTS].insert_one(record, session=self.session)
        except DuplicateKeyError:
            return True
        return False

    async def _already_processed_in_batch(self, record: dict[str, Any]) -> bool:
        # A duplicate key would abort the whole shared transaction: look first instead, and
        # insert the records of the whole batch when it commits.
        assert self._shared is not None
        key = (record["consumer"], record["event_id"])
        if key in self._shared.seen:
            return True
        if await self._recorded(*key):
            self._shared.seen.add(key)
            return True
        self._processed.append(record)
        return False

    async def _recorded(self, consumer: str, event_id: str) -> bool:
        assert self._shared is not None
        if event_id not in self._shared.event_ids:
            query = {"consumer": consumer, "event_id": event_id}
            found = await self.db[PROCESSED_EVENTS].find_one(
                query, {"_id": 1}, session=self.session
            )
            return found is not None
        batch_ids = self._shared.event_ids
        before = await self.reads.once(
            (PROCESSED_EVENTS, consumer), lambda: self._processed_of_batch(consumer, batch_ids)
        )
        return event_id in before

    async def _processed_of_batch(self, consumer: str, event_ids: Collection[str]) -> set[str]:
        query = {"consumer": consumer, "event_id": {"$in": sorted(event_ids)}}
        found = self.db[PROCESSED_EVENTS].find(query, {"event_id": 1}, session=self.session)
        return {doc["event_id"] async for doc in found}

    async def commit(self) -> None:
        if self._shared is not None:
            shared = self._shared
            # Built now, so that each event carries the trace of the message that caused it.
            shared.outbox += outbox_documents(
                self._outgoing, shared.started_at, first_position=len(shared.outbox)
            )
            shared.processed.extend(self._processed)
            shared.seen.update((r["consumer"], r["event_id"]) for r in self._processed)
            self._outgoing, self._processed = [], []
            return
        for hook in self._before_commit:
            await hook()
        await append_to_outbox(self.db, self.session, self._outgoing, self.now())
        await self.session.commit_transaction()
        if self._outgoing:
            self._on_commit()
        self._outgoing = []
