"""Routing-directory writes are part of the admin command's transaction."""

from services.dispatch.adapters.directory import ROSTERS
from services.dispatch.adapters.mongo import INDEXES, DispatchMongoUnitOfWork
from services.dispatch.tests.unit.builders import NOW
from shared.clock import FakeClock
from shared.events.topics import Topics
from shared.mongo.indexes import ensure_indexes


async def test_a_directory_write_without_commit_leaves_nothing(namespace, mongo_client):
    db = mongo_client[f"{namespace}_directory"]
    await ensure_indexes(db, INDEXES)

    def uow():
        return DispatchMongoUnitOfWork(mongo_client, db, Topics(namespace), FakeClock(NOW))

    try:
        async with uow() as aborted:
            await aborted.directory.put(ROSTERS, "acme", "noc", {"on_duty": ["li.wei"]})
        async with uow() as read:
            after_abort = await read.directory.on_duty("acme", "noc")
        async with uow() as committed:
            await committed.directory.put(ROSTERS, "acme", "noc", {"on_duty": ["li.wei"]})
            await committed.commit()
        async with uow() as read:
            after_commit = await read.directory.on_duty("acme", "noc")
    finally:
        await mongo_client.drop_database(db.name)
    assert after_abort == []
    assert after_commit == ["li.wei"]
