"""Staff, groups, stations, rosters, routing rules and tenant policies in MongoDB.

Configuration documents change rarely. They are written inside the admin command's
transaction, like every write, but read outside the reading command's transaction, so a
long-lived roster or rule never turns two tickets' transactions into a write conflict.
"""

from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

from pymongo import ASCENDING, GEOSPHERE, IndexModel
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from services.dispatch.domain.approval import ApprovalRule
from services.dispatch.domain.clusters import ClusterRule
from services.dispatch.domain.people import Person
from services.dispatch.domain.routing_rules import RoutingRule

STAFF, GROUPS, STATIONS, ROSTERS = "staff", "groups", "stations", "rosters"
RULES, POLICIES, APPROVAL_RULES = "routing_rules", "policies", "approval_rules"
KINDS = (STAFF, GROUPS, STATIONS, ROSTERS, RULES, POLICIES, APPROVAL_RULES)
WORKFLOW_POLICY, CLUSTER_RULE = "workflow", "cluster_rule"

DIRECTORY_INDEXES: dict[str, list[IndexModel]] = {
    kind: [IndexModel([("tenant_id", ASCENDING), ("key", ASCENDING)], unique=True)]
    for kind in KINDS
}
DIRECTORY_INDEXES[RULES].append(IndexModel([("tenant_id", ASCENDING), ("order", ASCENDING)]))
DIRECTORY_INDEXES[STATIONS].append(IndexModel([("location", GEOSPHERE)]))
HIDDEN = {"_id": 0, "tenant_id": 0}


class MongoDirectory:
    def __init__(self, db: AsyncDatabase[Any], session: AsyncClientSession) -> None:
        self._db, self._session = db, session

    async def put(self, kind: str, tenant_id: str, key: str, doc: Mapping[str, Any]) -> None:
        full = {**doc, "tenant_id": tenant_id, "key": key}
        await self._db[kind].replace_one(
            {"_id": f"{tenant_id}:{key}"}, full, upsert=True, session=self._session
        )

    async def get(self, kind: str, tenant_id: str, key: str) -> dict[str, Any] | None:
        return await self._db[kind].find_one({"_id": f"{tenant_id}:{key}"}, HIDDEN)

    async def items(self, kind: str, tenant_id: str) -> list[dict[str, Any]]:
        cursor = self._db[kind].find({"tenant_id": tenant_id}, HIDDEN)
        return await cursor.sort("key", ASCENDING).to_list(None)

    async def delete(self, kind: str, tenant_id: str, key: str) -> bool:
        result = await self._db[kind].delete_one(
            {"_id": f"{tenant_id}:{key}"}, session=self._session
        )
        return result.deleted_count == 1

    async def routing_rules(self, tenant_id: str) -> list[RoutingRule]:
        cursor = self._db[RULES].find({"tenant_id": tenant_id}, {"_id": 0, "tenant_id": 0})
        docs = await cursor.sort([("order", ASCENDING), ("key", ASCENDING)]).to_list(None)
        return [RoutingRule(rule_id=doc.pop("key"), **doc) for doc in docs]

    async def on_duty(self, tenant_id: str, group: str) -> list[str]:
        roster = await self.get(ROSTERS, tenant_id, group)
        return list(roster["on_duty"]) if roster else []

    async def nearest_station_groups(
        self, tenant_id: str, lon: float, lat: float, limit: int
    ) -> list[str]:
        near = {"$near": {"$geometry": {"type": "Point", "coordinates": [lon, lat]}}}
        cursor = self._db[STATIONS].find({"location": near, "tenant_id": tenant_id}, {"group": 1})
        return [doc["group"] async for doc in cursor.limit(limit)]

    async def urge_threshold(self, tenant_id: str) -> int | None:
        policy = await self.get(POLICIES, tenant_id, WORKFLOW_POLICY)
        return policy.get("urge_escalation_threshold") if policy else None

    async def cluster_rule(self, tenant_id: str) -> ClusterRule:
        doc = await self.get(POLICIES, tenant_id, CLUSTER_RULE)
        if doc is None:
            return ClusterRule()
        return ClusterRule(doc["min_complaints"], doc["radius_km"],
                           timedelta(minutes=doc["window_minutes"]))  # fmt: skip

    async def approval_rules(self, tenant_id: str) -> list[ApprovalRule]:
        cursor = self._db[APPROVAL_RULES].find({"tenant_id": tenant_id}, HIDDEN)
        docs = await cursor.sort([("order", ASCENDING), ("key", ASCENDING)]).to_list(None)
        return [ApprovalRule(rule_id=doc.pop("key"), **doc) for doc in docs]

    async def people(self, tenant_id: str, usernames: Sequence[str]) -> dict[str, Person]:
        query = {"tenant_id": tenant_id, "key": {"$in": sorted(set(usernames))}}
        cursor = self._db[STAFF].find(query, {"key": 1, "centre": 1})
        return {doc["key"]: Person(doc["key"], doc.get("centre")) async for doc in cursor}
