"""MongoDB persistence of per-tenant intake configuration."""

from typing import Any

from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from services.intake.domain.config import TenantConfig

TENANTS = "tenants"


class MongoTenantConfigs:
    def __init__(self, db: AsyncDatabase[Any], session: AsyncClientSession) -> None:
        self._tenants = db[TENANTS]
        self._session = session

    async def get(self, tenant_id: str) -> TenantConfig | None:
        doc = await self._tenants.find_one({"_id": tenant_id}, session=self._session)
        return TenantConfig.model_validate(doc["config"]) if doc else None

    async def put(self, tenant_id: str, config: TenantConfig) -> None:
        doc = {"_id": tenant_id, "config": config.model_dump(mode="json")}
        await self._tenants.replace_one({"_id": tenant_id}, doc, upsert=True, session=self._session)
