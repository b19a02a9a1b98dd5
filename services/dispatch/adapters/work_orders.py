"""Work orders in MongoDB, saved with an optimistic version check."""

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from pymongo import ASCENDING, DESCENDING, IndexModel
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from services.dispatch.adapters.work_order_documents import from_document, to_document
from services.dispatch.domain.values import TrackingState
from services.dispatch.domain.work_order import WorkOrder
from shared.errors import Conflict
from shared.events.vocabulary import TicketStatus

WORK_ORDERS = "work_orders"
# What counts as somebody's open load, and what is on their to-do list.
OPEN_WORK = [
    s.value
    for s in (
        TicketStatus.ASSIGNED,
        TicketStatus.ACCEPTED,
        TicketStatus.IN_PROGRESS,
        TicketStatus.WAITING_CUSTOMER,
        TicketStatus.ON_HOLD,
        TicketStatus.INVESTIGATION,
        TicketStatus.ESCALATED,
        TicketStatus.PENDING_APPROVAL,
    )
]
WORK_ORDER_INDEXES = [
    IndexModel([("parent_id", ASCENDING)]),
    IndexModel([("tenant_id", ASCENDING), ("assignee", ASCENDING), ("status", ASCENDING)]),
    IndexModel([("tenant_id", ASCENDING), ("status", ASCENDING), ("group", ASCENDING)]),
    IndexModel(
        [("tenant_id", ASCENDING), ("status", ASCENDING), ("approval.awaiting_role", ASCENDING)]
    ),
    IndexModel([("tenant_id", ASCENDING), ("extensions.state", ASCENDING)]),
    IndexModel(
        [("tenant_id", ASCENDING), ("tracking.tracked_by", ASCENDING), ("tracking.on", ASCENDING)]
    ),
]


class MongoWorkOrderRepository:
    def __init__(self, db: AsyncDatabase[Any], session: AsyncClientSession) -> None:
        self._orders = db[WORK_ORDERS]
        self._session = session

    async def get(self, ticket_id: str) -> WorkOrder | None:
        doc = await self._orders.find_one({"_id": ticket_id}, session=self._session)
        return from_document(doc) if doc else None

    async def add(self, order: WorkOrder) -> None:
        order.version = 1
        await self._orders.insert_one(to_document(order), session=self._session)

    async def children_of(self, parent_id: str) -> list[WorkOrder]:
        cursor = self._orders.find({"parent_id": parent_id}, session=self._session)
        return [from_document(doc) async for doc in cursor]

    async def update(self, order: WorkOrder) -> None:
        expected = order.version
        doc = to_document(order) | {"version": expected + 1}
        result = await self._orders.replace_one(
            {"_id": order.ticket_id, "version": expected}, doc, session=self._session
        )
        if result.matched_count == 0:
            raise Conflict(
                f"ticket {order.ticket_id} changed since version {expected}; reload and retry",
                allowed=order.allowed_commands,
            )
        order.version = expected + 1

    async def open_load(self, tenant_id: str, members: Sequence[str]) -> Mapping[str, int]:
        pipeline = [
            {"$match": {"tenant_id": tenant_id, "assignee": {"$in": list(members)},
                        "status": {"$in": OPEN_WORK}}},
            {"$group": {"_id": "$assignee", "n": {"$sum": 1}}},
        ]  # fmt: skip
        cursor = await self._orders.aggregate(pipeline, session=self._session)
        return {doc["_id"]: doc["n"] async for doc in cursor}

    async def todo(self, tenant_id: str, assignee: str, limit: int) -> list[WorkOrder]:
        query = {"tenant_id": tenant_id, "assignee": assignee, "status": {"$in": OPEN_WORK}}
        return await self._find(query, limit)

    async def queue(self, tenant_id: str, centre: str, limit: int) -> list[WorkOrder]:
        query = {"tenant_id": tenant_id, "status": TicketStatus.NEW.value, "group": centre}
        return await self._find(query, limit)

    async def awaiting_approval(
        self, tenant_id: str, role: str, user: str, limit: int
    ) -> list[WorkOrder]:
        query = {
            "tenant_id": tenant_id,
            "status": TicketStatus.PENDING_APPROVAL.value,
            "approval.awaiting_role": role,
            "approval.awaiting_user": {"$in": [None, user]},
            "approval.requested_by": {"$ne": user},
        }
        return await self._find(query, limit)

    async def with_extensions(
        self, tenant_id: str, states: Sequence[str], limit: int
    ) -> list[WorkOrder]:
        query = {"tenant_id": tenant_id, "extensions.state": {"$in": list(states)}}
        return await self._find(query, limit)

    async def tracked(
        self, tenant_id: str, tracker: str, due_by: date, limit: int
    ) -> list[WorkOrder]:
        query = {
            "tenant_id": tenant_id,
            "tracking.tracked_by": tracker,
            "tracking.state": TrackingState.ACTIVE.value,
            "tracking.on": {"$lte": due_by.isoformat()},
        }
        cursor = self._orders.find(query, session=self._session)
        docs = await cursor.sort([("tracking.on", ASCENDING), ("_id", ASCENDING)]).to_list(limit)
        return [from_document(doc) for doc in docs]

    async def _find(self, query: dict[str, Any], limit: int) -> list[WorkOrder]:
        cursor = self._orders.find(query, session=self._session)
        docs = await cursor.sort([("priority", ASCENDING), ("_id", DESCENDING)]).to_list(limit)
        return [from_document(doc) for doc in docs]
