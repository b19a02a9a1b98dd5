"""The ticket read model in MongoDB."""

from datetime import datetime
from typing import Any

from pymongo import ASCENDING, DESCENDING, IndexModel
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from services.gateway.domain.projection import ViewUpdate
from shared.mongo.unit_of_work import MongoUnitOfWork

TICKETS = "tickets"

INDEXES = {
    TICKETS: [
        IndexModel([("status", ASCENDING), ("registered_at", DESCENDING)]),
        IndexModel(
            [("tenant_id", ASCENDING), ("status", ASCENDING), ("registered_at", DESCENDING)]
        ),
        IndexModel([("registered_at", DESCENDING)]),
        IndexModel(
            [("tenant_id", ASCENDING), ("assignee", ASCENDING), ("registered_at", DESCENDING)]
        ),
    ],
}

_HIDDEN = {"_id": 0, "aspect_at": 0}


class MongoTicketViews:
    def __init__(self, db: AsyncDatabase[Any], session: AsyncClientSession) -> None:
        self._tickets = db[TICKETS]
        self._session = session

    async def aspect_stamps(self, ticket_id: str) -> dict[str, datetime]:
        doc = await self._tickets.find_one(
            {"_id": ticket_id}, {"aspect_at": 1}, session=self._session
        )
        return dict(doc.get("aspect_at", {})) if doc else {}

    async def save(self, ticket_id: str, update: ViewUpdate) -> None:
        stamps = {f"aspect_at.{aspect}": at for aspect, at in update.stamps.items()}
        await self._tickets.update_one(
            {"_id": ticket_id},
            {"$set": update.fields | stamps, "$setOnInsert": {"ticket_id": ticket_id}},
            upsert=True,
            session=self._session,
        )

    async def get(self, ticket_id: str) -> dict[str, Any] | None:
        return await self._tickets.find_one({"_id": ticket_id}, _HIDDEN, session=self._session)

    async def list(
        self, status: str | None, tenant_id: str | None, limit: int
    ) -> list[dict[str, Any]]:
        query = {k: v for k, v in {"status": status, "tenant_id": tenant_id}.items() if v}
        cursor = self._tickets.find(query, _HIDDEN, session=self._session)
        return await cursor.sort("registered_at", DESCENDING).limit(limit).to_list()


class GatewayMongoUnitOfWork(MongoUnitOfWork):
    views: MongoTicketViews

    def _bind(self, session: AsyncClientSession) -> None:
        self.views = MongoTicketViews(self.db, session)
