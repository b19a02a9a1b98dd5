"""Index creation against the real server: repeatable, and a changed TTL applied in place."""

from pymongo import GEOSPHERE, IndexModel

from shared.mongo.indexes import ensure_indexes


async def test_indexes_are_ensured_again_and_a_new_dedup_ttl_is_applied(mongo_client, namespace):
    db = mongo_client[f"{namespace}_indexes"]
    stations = {"stations": [IndexModel([("location", GEOSPHERE)])]}
    try:
        await ensure_indexes(db, stations, processed_events_ttl_s=3600)
        await db.stations.insert_one({"location": {"type": "Point", "coordinates": [121.4, 31.2]}})
        await ensure_indexes(db, stations, processed_events_ttl_s=3600)
        await ensure_indexes(db, stations, processed_events_ttl_s=7200)
        processed = await db.processed_events.index_information()
        geo = await db.stations.index_information()
    finally:
        await mongo_client.drop_database(db.name)
    assert processed["processed_at_1"]["expireAfterSeconds"] == 7200
    assert processed["consumer_1_event_id_1"]["unique"] is True
    assert "location_2dsphere" in geo
