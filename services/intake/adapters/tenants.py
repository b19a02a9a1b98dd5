"""MongoDB persistence of the tenant registry and each tenant's intake configuration."""

from collections.abc import Collection
from functools import partial
from typing import Any

from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from services.intake.domain.config import TenantConfig
from services.intake.domain.tenants import Tenant
from shared.mongo.unit_of_work import TransactionReads

TENANTS = "tenants"


class MongoTenantRegistry:
    def __init__(
        self, db: AsyncDatabase[Any], session: AsyncClientSession, reads: TransactionReads
    ) -> None:
        self._tenants = db[TENANTS]
        self._session, self._reads = session, reads

    async def get(self, tenant_id: str) -> Tenant | None:
        doc = await self._reads.once(
            (TENANTS, tenant_id),
            lambda: self._tenants.find_one({"_id": tenant_id}, session=self._session),
        )
        return _tenant(doc) if doc else None

    async def preload(self, tenant_ids: Collection[str]) -> None:
        """One query for the tenants a batch's registrations will read (each once)."""
        cursor = self._tenants.find({"_id": {"$in": sorted(tenant_ids)}}, session=self._session)
        found = {doc["_id"]: doc async for doc in cursor}
        for tenant_id in tenant_ids:
            await self._reads.once((TENANTS, tenant_id), partial(_just, found.get(tenant_id)))

    async def save(self, tenant: Tenant) -> None:
        doc = {
            "_id": tenant.tenant_id,
            "name": tenant.name,
            "config": tenant.config.model_dump(mode="json") if tenant.config else None,
        }
        await self._tenants.replace_one(
            {"_id": tenant.tenant_id}, doc, upsert=True, session=self._session
        )
        self._reads.forget((TENANTS, tenant.tenant_id))

    async def page(self, after: str | None, limit: int) -> list[Tenant]:
        query = {"_id": {"$gt": after}} if after else {}
        cursor = self._tenants.find(query, session=self._session).sort("_id", 1).limit(limit)
        return [_tenant(doc) async for doc in cursor]


async def _just(doc: dict[str, Any] | None) -> dict[str, Any] | None:
    return doc


def _tenant(doc: dict[str, Any]) -> Tenant:
    # Documents written before the registry existed hold only a configuration: such a
    # tenant was configured by its admin, so it counts as provisioned, named by its id.
    config = TenantConfig.model_validate(doc["config"]) if doc.get("config") else None
    return Tenant(doc["_id"], doc.get("name") or doc["_id"], config)
