"""MongoDB persistence of dispatch: work orders and the unit of work."""

from typing import Any

from pymongo import ASCENDING, IndexModel
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from services.dispatch.domain.work_order import WorkOrder
from shared.events.vocabulary import Priority, Severity, TicketStatus, TicketType
from shared.mongo.unit_of_work import MongoUnitOfWork

WORK_ORDERS = "work_orders"

INDEXES = {
    WORK_ORDERS: [
        IndexModel([("tenant_id", ASCENDING), ("assignee", ASCENDING), ("status", ASCENDING)]),
    ],
}


def _document(order: WorkOrder) -> dict[str, Any]:
    return {
        "_id": order.ticket_id,
        "tenant_id": order.tenant_id,
        "number": order.number,
        "type": order.type.value,
        "priority": order.priority.value,
        "severity": order.severity.value,
        "status": order.status.value,
        "assignee": order.assignee,
        "group": order.group,
        "version": order.version,
    }


def _work_order(doc: dict[str, Any]) -> WorkOrder:
    return WorkOrder(
        ticket_id=doc["_id"],
        tenant_id=doc["tenant_id"],
        number=doc["number"],
        type=TicketType(doc["type"]),
        priority=Priority(doc["priority"]),
        severity=Severity(doc["severity"]),
        status=TicketStatus(doc["status"]),
        assignee=doc["assignee"],
        group=doc["group"],
        version=doc["version"],
    )


class MongoWorkOrderRepository:
    def __init__(self, db: AsyncDatabase[Any], session: AsyncClientSession) -> None:
        self._orders = db[WORK_ORDERS]
        self._session = session

    async def get(self, ticket_id: str) -> WorkOrder | None:
        doc = await self._orders.find_one({"_id": ticket_id}, session=self._session)
        return _work_order(doc) if doc else None

    async def add(self, order: WorkOrder) -> None:
        order.version = 1
        await self._orders.insert_one(_document(order), session=self._session)


class DispatchMongoUnitOfWork(MongoUnitOfWork):
    work_orders: MongoWorkOrderRepository

    def _bind(self, session: AsyncClientSession) -> None:
        self.work_orders = MongoWorkOrderRepository(self.db, session)
