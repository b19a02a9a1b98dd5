"""The ticket read model in MongoDB."""

from typing import Any

from pymongo import ASCENDING, DESCENDING, IndexModel
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from services.gateway.domain.projection import ViewChange
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

    async def apply(self, change: ViewChange) -> None:
        await self._tickets.update_one(
            {"_id": change.ticket_id},
            {
                "$set": {**change.facts, "tenant_id": change.tenant_id},
                "$setOnInsert": {"ticket_id": change.ticket_id},
            },
            upsert=True,
            session=self._session,
        )
        for aspect, fields in change.aspects.items():
            stamp = f"aspect_at.{aspect}"
            newer = {"$or": [{stamp: None}, {stamp: {"$lte": change.at}}]}
            await self._tickets.update_one(
                {"_id": change.ticket_id, **newer},
                {"$set": {**fields, stamp: change.at}},
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
