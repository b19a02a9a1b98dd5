"""Dispatch's unit of work over MongoDB and the indexes of its collections."""

from typing import Any

from pymongo.asynchronous.client_session import AsyncClientSession

from services.dispatch.adapters.directory import DIRECTORY_INDEXES, MongoDirectory
from services.dispatch.adapters.records import RECORD_INDEXES, MongoRecords
from services.dispatch.adapters.upstream import append_submissions, submission_document
from services.dispatch.adapters.work_orders import (
    WORK_ORDER_INDEXES,
    WORK_ORDERS,
    MongoWorkOrderRepository,
)
from shared.events.submissions import Submission
from shared.mongo.unit_of_work import MongoUnitOfWork

INDEXES = {WORK_ORDERS: WORK_ORDER_INDEXES, **DIRECTORY_INDEXES, **RECORD_INDEXES}


class DispatchMongoUnitOfWork(MongoUnitOfWork):
    work_orders: MongoWorkOrderRepository
    directory: MongoDirectory
    records: MongoRecords

    def _bind(self, session: AsyncClientSession) -> None:
        self.work_orders = MongoWorkOrderRepository(self.db, session)
        self.directory = MongoDirectory(self.db, session)
        self.records = MongoRecords(self.db, session)
        self._submissions: list[dict[str, Any]] = []

    def submit_upstream(self, submission: Submission, key: str) -> None:
        topic = self._topics.upstream_submissions
        self._submissions.append(submission_document(submission, topic, key, self.now()))

    async def commit(self) -> None:
        await append_submissions(self.db, self.session, self._submissions)
        self._submissions = []
        await super().commit()
