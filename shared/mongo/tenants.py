"""MongoDB persistence of a service's known tenants (see :mod:`shared.tenants`)."""

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from shared.mongo.unit_of_work import MongoUnitOfWork
from shared.tenants import KnownTenant

KNOWN_TENANTS = "known_tenants"


class MongoKnownTenants:
    """``known_tenants`` keyed by tenant id; ``ticket_collections`` are the service's own
    collections of tickets, each with a ``tenant_id`` field indexed first."""

    def __init__(
        self, db: AsyncDatabase[Any], session: AsyncClientSession, ticket_collections: Sequence[str]
    ) -> None:
        self._db, self._session = db, session
        self._ticket_collections = ticket_collections

    async def get(self, tenant_id: str) -> KnownTenant | None:
        doc = await self._db[KNOWN_TENANTS].find_one({"_id": tenant_id}, session=self._session)
        if doc is None:
            return None
        return KnownTenant(doc["_id"], doc["name"], _aware(doc["provisioned_at"]))

    async def save(self, tenant: KnownTenant) -> None:
        doc = {"name": tenant.name, "provisioned_at": tenant.provisioned_at}
        await self._db[KNOWN_TENANTS].update_one(
            {"_id": tenant.tenant_id}, {"$set": doc}, upsert=True, session=self._session
        )

    async def holds_tickets_of(self, tenant_id: str) -> bool:
        for name in self._ticket_collections:
            found = await self._db[name].find_one(
                {"tenant_id": tenant_id}, {"_id": 1}, session=self._session
            )
            if found is not None:
                return True
        return False


class KnownTenantsUnitOfWork(MongoUnitOfWork):
    """The unit of work of the known-tenants use cases, in the service's own database."""

    known_tenants: MongoKnownTenants

    def __init__(self, *args: Any, ticket_collections: Sequence[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._ticket_collections = tuple(ticket_collections)

    def _bind(self, session: AsyncClientSession) -> None:
        self.known_tenants = MongoKnownTenants(self.db, session, self._ticket_collections)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
