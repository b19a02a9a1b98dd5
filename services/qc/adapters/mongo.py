"""QC's MongoDB collections: one case per closed ticket, one policy per tenant."""

from datetime import datetime
from typing import Any

from pymongo import ASCENDING, IndexModel
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from services.qc.adapters.documents import case_document, case_from, policy_document, policy_from
from services.qc.domain.cases import InspectionState, QcCase, QcPolicy
from services.qc.domain.visits import VisitState
from shared.events.qc import TicketReturned
from shared.mongo.outbox_store import Outgoing
from shared.mongo.unit_of_work import MongoUnitOfWork

CASES, POLICIES = "cases", "policies"
# The inspectors' queues: a tenant's inspections in a state, oldest closure first.
QUEUE = [("tenant_id", ASCENDING), ("inspection", ASCENDING), ("closed_at", ASCENDING)]
# The call-back list: a tenant's due return visits, the earliest next attempt first.
CALL_BACK = [("tenant_id", ASCENDING), ("visit.state", ASCENDING),
             ("visit.next_attempt_at", ASCENDING)]  # fmt: skip
INDEXES = {CASES: [IndexModel(QUEUE), IndexModel(CALL_BACK)]}


class MongoCases:
    def __init__(self, db: AsyncDatabase[Any], session: AsyncClientSession) -> None:
        self._cases = db[CASES]
        self._session = session

    async def get(self, ticket_id: str) -> QcCase | None:
        doc = await self._cases.find_one({"_id": ticket_id}, session=self._session)
        return case_from(doc) if doc else None

    async def save(self, case: QcCase) -> None:
        # Read and written in one transaction: a concurrent change is a write conflict,
        # and the use case runs again on what the other one wrote.
        case.version += 1
        await self._cases.replace_one(
            {"_id": case.ticket_id}, case_document(case), upsert=True, session=self._session
        )

    async def inspections(self, tenant_id: str, state: InspectionState, limit: int) -> list[QcCase]:
        query = {"tenant_id": tenant_id, "inspection": state.value}
        cursor = self._cases.find(query, session=self._session).sort("closed_at", ASCENDING)
        return [case_from(doc) for doc in await cursor.limit(limit).to_list()]

    async def due_visits(self, tenant_id: str, until: datetime, limit: int) -> list[QcCase]:
        """Visits to call now: never tried, or their next attempt is due by ``until``."""
        due = {"tenant_id": tenant_id, "visit.state": VisitState.DUE.value}
        fresh = await self._visits(due | {"visit.next_attempt_at": None}, limit)
        later = due | {"visit.next_attempt_at": {"$ne": None, "$lte": until}}
        return (
            fresh + await self._visits(later, limit - len(fresh)) if len(fresh) < limit else fresh
        )

    async def _visits(self, query: dict[str, Any], limit: int) -> list[QcCase]:
        cursor = self._cases.find(query, session=self._session)
        cursor = cursor.sort("visit.next_attempt_at", ASCENDING).limit(limit)
        return [case_from(doc) for doc in await cursor.to_list()]


class MongoPolicies:
    def __init__(self, db: AsyncDatabase[Any], session: AsyncClientSession) -> None:
        self._policies = db[POLICIES]
        self._session = session

    async def get(self, tenant_id: str) -> QcPolicy | None:
        doc = await self._policies.find_one({"_id": tenant_id}, session=self._session)
        return policy_from(doc) if doc else None

    async def put(self, tenant_id: str, policy: QcPolicy) -> None:
        await self._policies.replace_one(
            {"_id": tenant_id}, policy_document(tenant_id, policy), upsert=True,
            session=self._session,
        )  # fmt: skip


class QcMongoUnitOfWork(MongoUnitOfWork):
    cases: MongoCases
    policies: MongoPolicies

    def _bind(self, session: AsyncClientSession) -> None:
        self.cases = MongoCases(self.db, session)
        self.policies = MongoPolicies(self.db, session)

    def send_return(self, returned: TicketReturned) -> None:
        """返单 for the system the ticket came from: the documented JSON, keyed by ticket;
        its outbox id is the return's id, so it is written once."""
        self.send(Outgoing(
            returned.return_id, self._topics.upstream_returns, returned.ticket_id.encode(),
            returned.model_dump_json().encode(),
            {"content_type": "application/json", "schema": "ticket.returned/1"},
        ))  # fmt: skip
