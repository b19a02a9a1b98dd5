"""A unit of work's ``state`` and ``before_commit`` hooks on a real MongoDB: a batch's
use cases share them, the hooks write inside the transaction just before it commits, and
nothing of them survives an aborted batch."""

from datetime import UTC, datetime
from functools import partial

import pytest

from shared.clock import FakeClock
from shared.events import Topics
from shared.mongo.indexes import ensure_indexes
from shared.mongo.unit_of_work import MongoUnitOfWork, TransactionScope

T0 = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
async def db(mongo_client, namespace):
    database = mongo_client[f"{namespace}_hooks"]
    await ensure_indexes(database, {})
    yield database
    await mongo_client.drop_database(database.name)


def wiring(mongo_client, db, namespace):
    clock = FakeClock(T0)
    scope = TransactionScope(mongo_client, db, clock)
    return scope, partial(MongoUnitOfWork, mongo_client, db, Topics(namespace), clock, scope=scope)


def buffering(uow, db, value):
    """What a buffering repository does: keep its writes in the state, one hook writes all."""
    if "buffer" not in uow.state:
        buffered: list[str] = []
        uow.state["buffer"] = buffered
        session = uow.session  # the transaction's, which outlives this unit of work

        async def write():
            await db.items.insert_many([{"v": v} for v in buffered], session=session)

        uow.before_commit(write)
    uow.state["buffer"].append(value)


async def stored(db):
    return sorted([d["v"] async for d in db.items.find({})])


async def test_a_batch_shares_its_state_and_runs_the_hook_once_at_its_commit(
    mongo_client, db, namespace
):
    scope, new_uow = wiring(mongo_client, db, namespace)
    async with scope.shared():
        for value in ("a", "b", "c"):
            async with new_uow() as uow:
                buffering(uow, db, value)
                await uow.commit()
        assert await stored(db) == []  # nothing is written before the commit
    assert await stored(db) == ["a", "b", "c"]


async def test_an_aborted_batch_keeps_nothing_of_its_hooks_and_the_next_starts_clean(
    mongo_client, db, namespace
):
    scope, new_uow = wiring(mongo_client, db, namespace)

    async def failing_batch() -> None:
        async with scope.shared():
            async with new_uow() as uow:
                buffering(uow, db, "lost")
                await uow.commit()
            raise RuntimeError("a later event fails")

    with pytest.raises(RuntimeError):
        await failing_batch()
    async with scope.shared(), new_uow() as uow:
        assert uow.state == {}
        buffering(uow, db, "kept")
        await uow.commit()
    assert await stored(db) == ["kept"]


async def test_a_lone_unit_of_work_runs_its_hooks_at_its_own_commit(mongo_client, db, namespace):
    _, new_uow = wiring(mongo_client, db, namespace)
    async with new_uow() as uow:
        buffering(uow, db, "x")
        buffering(uow, db, "y")
        await uow.commit()
    async with new_uow() as uow:
        buffering(uow, db, "never")  # left without commit: aborted
    assert await stored(db) == ["x", "y"]
