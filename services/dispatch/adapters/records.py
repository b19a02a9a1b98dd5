"""Problem and change records created from tickets."""

from dataclasses import asdict
from typing import Any

from pymongo import ASCENDING, IndexModel
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from services.dispatch.domain.values import ChangeRecord, ProblemRecord

PROBLEMS, CHANGES = "problems", "changes"
RECORD_INDEXES = {
    PROBLEMS: [IndexModel([("ticket_id", ASCENDING)])],
    CHANGES: [IndexModel([("ticket_id", ASCENDING)])],
}


class MongoRecords:
    def __init__(self, db: AsyncDatabase[Any], session: AsyncClientSession) -> None:
        self._db = db
        self._session = session

    async def add_problem(self, problem: ProblemRecord) -> None:
        doc = {"_id": problem.problem_id, **asdict(problem)}
        await self._db[PROBLEMS].insert_one(doc, session=self._session)

    async def add_change(self, change: ChangeRecord) -> None:
        doc = {"_id": change.change_id, **asdict(change)}
        await self._db[CHANGES].insert_one(doc, session=self._session)
