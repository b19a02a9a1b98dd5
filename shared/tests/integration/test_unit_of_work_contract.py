"""The unit-of-work contract, run against the in-memory fake every service's unit tests use
and against MongoDB: what a use case may rely on when it commits, or does not."""

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import Any
from uuid import uuid4

import pytest
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from shared.clock import FakeClock
from shared.events import Topics
from shared.mongo.indexes import ensure_indexes
from shared.mongo.outbox_store import OUTBOX
from shared.mongo.unit_of_work import MongoUnitOfWork
from shared.testing.builders import ticket_registered
from shared.testing.fakes import FakeUnitOfWork

T0 = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)


class MongoNotes:
    def __init__(self, db: AsyncDatabase[Any], session: AsyncClientSession) -> None:
        self._notes, self._session = db["notes"], session

    async def put(self, key: str, value: str) -> None:
        await self._notes.update_one(
            {"_id": key}, {"$set": {"value": value}}, upsert=True, session=self._session
        )

    async def get(self, key: str) -> str | None:
        doc = await self._notes.find_one({"_id": key}, session=self._session)
        return doc["value"] if doc else None


class NotesMongoUnitOfWork(MongoUnitOfWork):
    notes: MongoNotes

    def _bind(self, session: AsyncClientSession) -> None:
        self.notes = MongoNotes(self.db, session)


class FakeNotes:
    def __init__(self) -> None:
        self.values: dict[str, str] = {}

    async def put(self, key: str, value: str) -> None:
        self.values[key] = value

    async def get(self, key: str) -> str | None:
        return self.values.get(key)


class NotesFakeUnitOfWork(FakeUnitOfWork):
    repositories = ("notes",)

    def __init__(self) -> None:
        super().__init__(T0)
        self.notes = FakeNotes()


@dataclass
class Subject:
    new_uow: Callable[[], Any]
    published_ids: Callable[[], Awaitable[set[str]]]


@pytest.fixture(params=["fake", "mongo"])
async def subject(request, mongo_client, namespace) -> AsyncIterator[Subject]:
    if request.param == "fake":
        fake = NotesFakeUnitOfWork()

        async def published_by_fake() -> set[str]:
            return {str(event.event_id) for event in fake.published}

        yield Subject(fake, published_by_fake)
        return
    db = mongo_client[f"{namespace}_contract"]
    await ensure_indexes(db, {})
    clock = FakeClock(T0)

    async def published_to_outbox() -> set[str]:
        return {doc["_id"] async for doc in db[OUTBOX].find({}, {"_id": 1})}

    try:
        new_uow = partial(NotesMongoUnitOfWork, mongo_client, db, Topics(namespace), clock)
        yield Subject(new_uow, published_to_outbox)
    finally:
        await mongo_client.drop_database(db.name)


async def test_a_committed_block_keeps_its_writes_events_and_processed_record(subject):
    event_id, event = uuid4(), ticket_registered("t-1")
    async with subject.new_uow() as uow:
        assert not await uow.already_processed("contract", event_id)
        await uow.notes.put("n-1", "kept")
        uow.publish(event)
        await uow.commit()
    async with subject.new_uow() as uow:
        assert await uow.notes.get("n-1") == "kept"
    async with subject.new_uow() as uow:
        # A redelivery: the use case returns at once (on MongoDB the duplicate record
        # aborted the transaction, so nothing else may be done in this block).
        assert await uow.already_processed("contract", event_id)
    assert await subject.published_ids() == {str(event.event_id)}


async def test_a_block_left_without_commit_leaves_nothing(subject):
    event_id = uuid4()
    async with subject.new_uow() as uow:
        await uow.notes.put("n-1", "first")
        await uow.commit()
    async with subject.new_uow() as uow:
        assert not await uow.already_processed("contract", event_id)
        await uow.notes.put("n-1", "overwritten")
        await uow.notes.put("n-2", "new")
        uow.publish(ticket_registered("t-2"))
    async with subject.new_uow() as uow:
        assert (await uow.notes.get("n-1"), await uow.notes.get("n-2")) == ("first", None)
        assert not await uow.already_processed("contract", event_id)  # the record went too
    assert await subject.published_ids() == set()


async def failing_use_case(new_uow) -> None:
    async with new_uow() as uow:
        await uow.notes.put("n-1", "lost")
        uow.publish(ticket_registered("t-3"))
        raise RuntimeError("the use case failed")


async def test_a_block_that_raises_leaves_nothing(subject):
    with pytest.raises(RuntimeError, match="the use case failed"):
        await failing_use_case(subject.new_uow)
    async with subject.new_uow() as uow:
        assert await uow.notes.get("n-1") is None
    assert await subject.published_ids() == set()


async def test_a_block_reads_its_own_writes_before_commit(subject):
    async with subject.new_uow() as uow:
        await uow.notes.put("n-1", "mine")
        assert await uow.notes.get("n-1") == "mine"
        await uow.commit()
