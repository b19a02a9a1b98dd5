"""MongoDB persistence of intake: tickets, number counters, and the unit of work."""

from typing import Any

from pymongo import ASCENDING, IndexModel, ReturnDocument
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from services.intake.app.ports import DuplicateSubmission
from services.intake.domain.ticket import Ticket
from shared.events.submissions import Submission
from shared.events.vocabulary import Priority, TicketStatus
from shared.mongo.unit_of_work import MongoUnitOfWork

TICKETS, COUNTERS = "tickets", "number_counters"

INDEXES = {
    TICKETS: [
        IndexModel(
            [("tenant_id", ASCENDING), ("source", ASCENDING), ("external_ref", ASCENDING)],
            unique=True,
        ),
        IndexModel([("tenant_id", ASCENDING), ("number", ASCENDING)], unique=True),
    ],
    COUNTERS: [],
}


def _document(ticket: Ticket) -> dict[str, Any]:
    return {
        "_id": ticket.ticket_id,
        "tenant_id": ticket.tenant_id,
        "source": ticket.submission.source.value,
        "external_ref": ticket.submission.external_ref,
        "number": ticket.number,
        "submission": ticket.submission.model_dump(mode="json"),
        "priority": ticket.priority.value,
        "status": ticket.status.value,
        "registered_at": ticket.registered_at,
    }


def _ticket(doc: dict[str, Any]) -> Ticket:
    return Ticket(
        ticket_id=doc["_id"],
        number=doc["number"],
        submission=Submission.model_validate(doc["submission"]),
        priority=Priority(doc["priority"]),
        status=TicketStatus(doc["status"]),
        registered_at=doc["registered_at"],
    )


class MongoTicketRepository:
    def __init__(self, db: AsyncDatabase[Any], session: AsyncClientSession | None) -> None:
        self._tickets = db[TICKETS]
        self._session = session

    async def get(self, ticket_id: str) -> Ticket | None:
        doc = await self._tickets.find_one({"_id": ticket_id}, session=self._session)
        return _ticket(doc) if doc else None

    async def find_by_external_ref(
        self, tenant_id: str, source: str, external_ref: str
    ) -> Ticket | None:
        query = {"tenant_id": tenant_id, "source": source, "external_ref": external_ref}
        doc = await self._tickets.find_one(query, session=self._session)
        return _ticket(doc) if doc else None

    async def add(self, ticket: Ticket) -> None:
        try:
            await self._tickets.insert_one(_document(ticket), session=self._session)
        except DuplicateKeyError as error:
            raise DuplicateSubmission(ticket.submission.external_ref) from error


class MongoNumberCounters:
    """Counters incremented inside the registering transaction, so numbers have no gaps."""

    def __init__(self, db: AsyncDatabase[Any], session: AsyncClientSession) -> None:
        self._counters = db[COUNTERS]
        self._session = session

    async def next(self, key: str) -> int:
        doc = await self._counters.find_one_and_update(
            {"_id": key},
            {"$inc": {"value": 1}},
            upsert=True,
            return_document=ReturnDocument.AFTER,
            session=self._session,
        )
        assert doc is not None, "an upsert returning the document after the update"
        return int(doc["value"])


class IntakeMongoUnitOfWork(MongoUnitOfWork):
    tickets: MongoTicketRepository
    counters: MongoNumberCounters

    def _bind(self, session: AsyncClientSession) -> None:
        self.tickets = MongoTicketRepository(self.db, session)
        self.counters = MongoNumberCounters(self.db, session)
