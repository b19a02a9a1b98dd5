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
"""

from collections.abc import Callable
from datetime import datetime
from types import TracebackType
from typing import Any, Self
from uuid import UUID

from pymongo import ASCENDING, AsyncMongoClient, IndexModel
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError, PyMongoError

from shared.clock import Clock
from shared.errors import TransientConflict
from shared.events.envelope import EventEnvelope
from shared.events.topics import Topics
from shared.failures import is_transient
from shared.mongo.outbox_store import append_to_outbox

PROCESSED_EVENTS = "processed_events"


def processed_events_indexes(ttl_s: int) -> list[IndexModel]:
    """The dedup key, and the TTL that keeps the collection bounded (see MongoSettings)."""
    return [
        IndexModel([("consumer", ASCENDING), ("event_id", ASCENDING)], unique=True),
        IndexModel([("processed_at", ASCENDING)], expireAfterSeconds=ttl_s),
    ]


class MongoUnitOfWork:
    def __init__(
        self,
        client: AsyncMongoClient[Any],
        db: AsyncDatabase[Any],
        topics: Topics,
        clock: Clock,
        on_commit: Callable[[], None] = lambda: None,
    ) -> None:
        self.client = client
        self.db = db
        self.clock = clock
        self._topics = topics
        self._on_commit = on_commit
        self._events: list[EventEnvelope] = []
        self._session: AsyncClientSession | None = None

    @property
    def session(self) -> AsyncClientSession:
        if self._session is None:
            raise RuntimeError("the unit of work is used outside its 'async with' block")
        return self._session

    def now(self) -> datetime:
        return self.clock.now()

    async def __aenter__(self) -> Self:
        self._session = self.client.start_session()
        await self._session.start_transaction()
        self._events = []
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
        session = self.session
        try:
            if session.in_transaction:
                await session.abort_transaction()
        finally:
            await session.end_session()
            self._session = None
        if isinstance(exc, PyMongoError) and is_transient(exc):
            raise TransientConflict(str(exc)) from exc

    def publish(self, *events: EventEnvelope) -> None:
        self._events.extend(events)

    async def already_processed(self, consumer: str, event_id: UUID) -> bool:
        """Record that ``consumer`` handles ``event_id`` in this transaction; True if it did.

        A duplicate fails on the unique index, which aborts the transaction: the caller
        must return without further writes.
        """
        record = {"consumer": consumer, "event_id": str(event_id), "processed_at": self.now()}
        try:
            await self.db[PROCESSED_EVENTS].insert_one(record, session=self.session)
        except DuplicateKeyError:
            return True
        return False

    async def commit(self) -> None:
        await append_to_outbox(self.db, self.session, self._events, self._topics, self.now())
        await self.session.commit_transaction()
        if self._events:
            self._on_commit()
        self._events = []
