"""Where complaints were registered (a 2dsphere index) and the outage clusters they formed."""

from datetime import timedelta
from typing import Any

from pymongo import ASCENDING, GEOSPHERE, IndexModel
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from services.dispatch.domain.clusters import Cluster, ClusterRule, Complaint

POINTS, CLUSTERS = "complaint_points", "clusters"
# A point matters for the longest window a rule may have (a day); kept a little longer.
POINT_RETENTION = timedelta(days=2)
# The candidates' circle is drawn a little wider than the rule: the domain measures exactly.
MARGIN = 1.01
EARTH_RADIUS_KM = 6378.1  # what $centerSphere's radians are relative to

CLUSTER_INDEXES: dict[str, list[IndexModel]] = {
    POINTS: [
        IndexModel([("location", GEOSPHERE)]),
        IndexModel(
            [("tenant_id", ASCENDING), ("category", ASCENDING), ("registered_at", ASCENDING)]
        ),
        IndexModel(
            [("registered_at", ASCENDING)], expireAfterSeconds=int(POINT_RETENTION.total_seconds())
        ),
    ],
    CLUSTERS: [
        IndexModel([("centre", GEOSPHERE)]),
        IndexModel([("tenant_id", ASCENDING), ("open", ASCENDING), ("detected_at", ASCENDING)]),
    ],
}


def _point(lon: float, lat: float) -> dict[str, Any]:
    return {"type": "Point", "coordinates": [lon, lat]}


def _within(lon: float, lat: float, radius_km: float) -> dict[str, Any]:
    radians = radius_km * MARGIN / EARTH_RADIUS_KM
    return {"$geoWithin": {"$centerSphere": [[lon, lat], radians]}}


class MongoClusters:
    def __init__(self, db: AsyncDatabase[Any], session: AsyncClientSession) -> None:
        self._points, self._clusters = db[POINTS], db[CLUSTERS]
        self._session = session

    async def add_point(self, tenant_id: str, complaint: Complaint) -> None:
        doc = {
            "tenant_id": tenant_id, "category": complaint.category,
            "location": _point(complaint.lon, complaint.lat),
            "registered_at": complaint.registered_at,
        }  # fmt: skip
        await self._points.update_one(
            {"_id": complaint.ticket_id}, {"$setOnInsert": doc}, upsert=True,
            session=self._session,
        )  # fmt: skip

    async def near(self, tenant_id: str, newest: Complaint, rule: ClusterRule) -> list[Complaint]:
        query = {
            "tenant_id": tenant_id, "category": newest.category,
            "registered_at": {"$gte": newest.registered_at - rule.window},
            "location": _within(newest.lon, newest.lat, rule.radius_km),
        }  # fmt: skip
        cursor = self._points.find(query, session=self._session)
        return [_complaint(doc) async for doc in cursor]

    async def covering(
        self, tenant_id: str, complaint: Complaint, rule: ClusterRule
    ) -> list[Cluster]:
        """Open clusters of the tenant whose centre is within the rule's radius."""
        query = {
            "tenant_id": tenant_id, "open": True, "category": complaint.category,
            "centre": _within(complaint.lon, complaint.lat, rule.radius_km),
        }  # fmt: skip
        cursor = self._clusters.find(query, session=self._session)
        return [_cluster(doc) async for doc in cursor]

    async def get(self, cluster_id: str) -> Cluster | None:
        doc = await self._clusters.find_one({"_id": cluster_id}, session=self._session)
        return _cluster(doc) if doc else None

    async def save(self, cluster: Cluster) -> None:
        doc = {
            "tenant_id": cluster.tenant_id, "category": cluster.category,
            "centre": _point(*cluster.centre), "radius_km": cluster.radius_km,
            "detected_at": cluster.detected_at, "members": list(cluster.members),
            "parent_id": cluster.parent_id, "open": cluster.open,
        }  # fmt: skip
        await self._clusters.replace_one(
            {"_id": cluster.cluster_id}, doc, upsert=True, session=self._session
        )

    async def of_tenant(self, tenant_id: str, open_only: bool, limit: int) -> list[Cluster]:
        query: dict[str, Any] = {"tenant_id": tenant_id}
        if open_only:
            query["open"] = True
        cursor = self._clusters.find(query, session=self._session).limit(limit)
        found = [_cluster(doc) async for doc in cursor]
        return sorted(found, key=lambda c: c.detected_at, reverse=True)

    async def with_parent(self, parent_id: str) -> list[Cluster]:
        cursor = self._clusters.find({"parent_id": parent_id}, session=self._session)
        return [_cluster(doc) async for doc in cursor]


def _complaint(doc: dict[str, Any]) -> Complaint:
    lon, lat = doc["location"]["coordinates"]
    return Complaint(doc["_id"], doc["category"], lon, lat, doc["registered_at"])


def _cluster(doc: dict[str, Any]) -> Cluster:
    lon, lat = doc["centre"]["coordinates"]
    return Cluster(
        doc["_id"], doc["tenant_id"], doc["category"], (lon, lat), doc["radius_km"],
        doc["detected_at"], list(doc["members"]), doc.get("parent_id"), doc["open"],
    )  # fmt: skip
