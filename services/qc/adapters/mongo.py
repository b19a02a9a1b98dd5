"""QC's MongoDB collections: one case per closed ticket, one policy per tenant."""

from datetime import datetime
from typing import Any

from pymongo import ASCENDING, IndexModel
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from services.qc.adapters.documents import (
    case_document,
    case_from,
    policy_document,
    policy_from,
    template_document,
    template_from,
    unit_document,
    unit_from,
)
from services.qc.domain.appeal_templates import AppealTemplate
from services.qc.domain.cases import InspectionState, QcCase, QcPolicy
from services.qc.domain.judgements import JudgementState, Unit
from services.qc.domain.visits import VisitState
from shared.events.qc import TicketReturned
from shared.events.submissions import Submission
from shared.mongo.outbox_store import Outgoing
from shared.mongo.unit_of_work import MongoUnitOfWork

CASES, POLICIES, UNITS, TEMPLATES = "cases", "policies", "units", "appeal_templates"
# The inspectors' queues: a tenant's inspections in a state, oldest closure first.
QUEUE = [("tenant_id", ASCENDING), ("inspection", ASCENDING), ("closed_at", ASCENDING)]
# The call-back list: a tenant's due return visits, the earliest next attempt first.
CALL_BACK = [("tenant_id", ASCENDING), ("visit.state", ASCENDING),
             ("visit.next_attempt_at", ASCENDING)]  # fmt: skip
# The reviewers' queue: a tenant's complaints whose standing judgement is in a state.
JUDGED = [("tenant_id", ASCENDING), ("judgement_state", ASCENDING), ("closed_at", ASCENDING)]
INDEXES = {
    CASES: [IndexModel(QUEUE), IndexModel(CALL_BACK), IndexModel(JUDGED)],
    UNITS: [IndexModel([("tenant_id", ASCENDING), ("unit_id", ASCENDING)])],
    TEMPLATES: [IndexModel([("tenant_id", ASCENDING), ("template_id", ASCENDING)])],
}


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

    async def judged(self, tenant_id: str, state: JudgementState, limit: int) -> list[QcCase]:
        query = {"tenant_id": tenant_id, "judgement_state": state.value}
        cursor = self._cases.find(query, session=self._session).sort("closed_at", ASCENDING)
        return [case_from(doc) for doc in await cursor.limit(limit).to_list()]

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


class MongoUnits:
    def __init__(self, db: AsyncDatabase[Any], session: AsyncClientSession) -> None:
        self._units = db[UNITS]
        self._session = session

    async def get(self, tenant_id: str, unit_id: str) -> Unit | None:
        doc = await self._units.find_one({"_id": f"{tenant_id}:{unit_id}"}, session=self._session)
        return unit_from(doc) if doc else None

    async def put(self, tenant_id: str, unit: Unit) -> None:
        doc = unit_document(tenant_id, unit)
        await self._units.replace_one({"_id": doc["_id"]}, doc, upsert=True, session=self._session)

    async def of_tenant(self, tenant_id: str) -> list[Unit]:
        cursor = self._units.find({"tenant_id": tenant_id}, session=self._session)
        return [unit_from(doc) for doc in await cursor.to_list()]


class MongoAppealTemplates:
    """A tenant's own templates, and which templates (own or shipped) it retired."""

    def __init__(self, db: AsyncDatabase[Any], session: AsyncClientSession) -> None:
        self._templates = db[TEMPLATES]
        self._session = session

    async def own(self, tenant_id: str) -> list[AppealTemplate]:
        query = {"tenant_id": tenant_id, "retired": False}
        cursor = self._templates.find(query, session=self._session)
        return [template_from(doc) for doc in await cursor.to_list()]

    async def retired(self, tenant_id: str) -> list[str]:
        query = {"tenant_id": tenant_id, "retired": True}
        cursor = self._templates.find(query, {"template_id": 1}, session=self._session)
        return [doc["template_id"] for doc in await cursor.to_list()]

    async def add(self, template: AppealTemplate) -> bool:
        """False when the tenant has (or retired) a template of that id already."""
        doc = template_document(template)
        found = await self._templates.find_one({"_id": doc["_id"]}, session=self._session)
        if found is not None:
            return False
        await self._templates.insert_one(doc, session=self._session)
        return True

    async def retire(self, tenant_id: str, template_id: str) -> None:
        await self._templates.update_one(
            {"_id": f"{tenant_id}:{template_id}"},
            {"$set": {"retired": True},
             "$setOnInsert": {"tenant_id": tenant_id, "template_id": template_id}},
            upsert=True, session=self._session,
        )  # fmt: skip


class QcMongoUnitOfWork(MongoUnitOfWork):
    cases: MongoCases
    policies: MongoPolicies
    units: MongoUnits
    templates: MongoAppealTemplates

    def _bind(self, session: AsyncClientSession) -> None:
        self.cases = MongoCases(self.db, session)
        self.policies = MongoPolicies(self.db, session)
        self.units = MongoUnits(self.db, session)
        self.templates = MongoAppealTemplates(self.db, session)

    def send_return(self, returned: TicketReturned) -> None:
        """返单 for the system the ticket came from: the documented JSON, keyed by ticket;
        its outbox id is the return's id, so it is written once."""
        self.send(Outgoing(
            returned.return_id, self._topics.upstream_returns, returned.ticket_id.encode(),
            returned.model_dump_json().encode(),
            {"content_type": "application/json", "schema": "ticket.returned/1"},
        ))  # fmt: skip

    def submit_upstream(self, submission: Submission) -> None:
        self.send(Outgoing(
            submission.external_ref, self._topics.upstream_submissions,
            (submission.related_to or submission.external_ref).encode(),
            submission.model_dump_json().encode(), {"content_type": "application/json"},
        ))  # fmt: skip
