"""MongoDB persistence of intake's tickets and number counters."""

from dataclasses import asdict
from datetime import datetime
from typing import Any

from pymongo import ASCENDING, DESCENDING, IndexModel, ReturnDocument
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from services.intake.app.ports import DuplicateSubmission
from services.intake.domain.priority import PriorityBasis
from services.intake.domain.ticket import Ticket
from shared.events.submissions import Submission
from shared.events.vocabulary import Priority, Severity, TicketStatus

TICKETS, COUNTERS = "tickets", "number_counters"

TICKET_INDEXES = [
    IndexModel(
        [("tenant_id", ASCENDING), ("source", ASCENDING), ("external_ref", ASCENDING)],
        unique=True,
    ),
    IndexModel([("tenant_id", ASCENDING), ("number", ASCENDING)], unique=True),
    # The repeat rule: one contact's recent tickets.
    IndexModel(
        [("tenant_id", ASCENDING), ("contact_keys", ASCENDING), ("registered_at", DESCENDING)]
    ),
    # Release on verification: one contact's quarantined tickets.
    IndexModel([("tenant_id", ASCENDING), ("contact_keys", ASCENDING), ("status", ASCENDING)]),
]


def _document(ticket: Ticket) -> dict[str, Any]:
    return {
        "_id": ticket.ticket_id,
        "tenant_id": ticket.tenant_id,
        "source": ticket.submission.source.value,
        "external_ref": ticket.submission.external_ref,
        "number": ticket.number,
        "submission": ticket.submission.model_dump(mode="json"),
        "priority": ticket.priority.value,
        "priority_basis": asdict(ticket.basis) | {"severity": ticket.basis.severity.value},
        "status": ticket.status.value,
        "registered_at": ticket.registered_at,
        "contact_keys": ticket.contact_keys,
        "repeat_of": ticket.repeat_of,
        "open": ticket.open,
    }


def _ticket(doc: dict[str, Any]) -> Ticket:
    basis = doc["priority_basis"]
    return Ticket(
        ticket_id=doc["_id"],
        number=doc["number"],
        submission=Submission.model_validate(doc["submission"]),
        priority=Priority(doc["priority"]),
        status=TicketStatus(doc["status"]),
        registered_at=doc["registered_at"],
        basis=PriorityBasis(
            basis["urgency"],
            basis["impact"],
            Severity(basis["severity"]),
            Priority(basis["from_matrix"]),
            basis["raised_as_repeat"],
        ),
        repeat_of=doc["repeat_of"],
        open=doc["open"],
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

    async def registered_since(
        self, tenant_id: str, contact_keys: list[str], since: datetime
    ) -> list[Ticket]:
        query = {
            "tenant_id": tenant_id,
            "contact_keys": {"$in": contact_keys},
            "registered_at": {"$gte": since},
        }
        return await self._all(query)

    async def quarantined(self, tenant_id: str, contact_keys: list[str]) -> list[Ticket]:
        query = {
            "tenant_id": tenant_id,
            "contact_keys": {"$in": contact_keys},
            "status": TicketStatus.QUARANTINED.value,
        }
        return await self._all(query)

    async def _all(self, query: dict[str, Any]) -> list[Ticket]:
        cursor = self._tickets.find(query, session=self._session).sort("registered_at", ASCENDING)
        return [_ticket(doc) async for doc in cursor]

    async def save_status(self, ticket: Ticket) -> None:
        update = {"$set": {"status": ticket.status.value}}
        await self._tickets.update_one({"_id": ticket.ticket_id}, update, session=self._session)

    async def mark_closed(self, ticket_id: str) -> None:
        update = {"$set": {"open": False}}
        await self._tickets.update_one({"_id": ticket_id}, update, session=self._session)


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
