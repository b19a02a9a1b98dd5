"""The due-timer query: one range query normally, per shard when others' timers fill it."""

from datetime import UTC, datetime, timedelta

from services.sla.adapters.mongo import INDEXES, TICKETS, MongoDueTimers
from shared.mongo.indexes import ensure_indexes

NOW = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)


async def test_owned_timers_are_found_even_behind_a_backlog_of_other_shards(
    mongo_client, namespace
):
    db = mongo_client[f"{namespace}_timers"]
    await ensure_indexes(db, INDEXES)
    others = [
        {"_id": f"o{i}", "shard": 1, "next_due_at": NOW - timedelta(hours=2, seconds=i)}
        for i in range(40)
    ]
    mine = [{"_id": f"m{i}", "shard": 0, "next_due_at": NOW - timedelta(minutes=i)} for i in (3, 1)]
    future = {"_id": "later", "shard": 0, "next_due_at": NOW + timedelta(minutes=5)}
    await db[TICKETS].insert_many([*others, *mine, future, {"_id": "none", "shard": 0}])
    try:
        timers = MongoDueTimers(db)
        # a window of 4 x 2 = 8 is full of shard 1's older timers: it asks per shard
        assert [t.ticket_id for t in await timers.due([0], NOW, 2)] == ["m3", "m1"]
        # owning every shard, the range query alone answers, earliest first
        found = await timers.due([0, 1], NOW, 3)
        assert [t.ticket_id for t in found] == ["o39", "o38", "o37"]
    finally:
        await mongo_client.drop_database(db.name)
