"""Dispatch's unit of work over MongoDB and the indexes of its collections."""

from uuid import uuid4

from pymongo.asynchronous.client_session import AsyncClientSession

from services.dispatch.adapters.clusters import CLUSTER_INDEXES, MongoClusters
from services.dispatch.adapters.directory import DIRECTORY_INDEXES, MongoDirectory
from services.dispatch.adapters.records import RECORD_INDEXES, MongoRecords
from services.dispatch.adapters.work_orders import (
    WORK_ORDER_INDEXES,
    WORK_ORDERS,
    MongoWorkOrderRepository,
)
from shared.events.submissions import Submission
from shared.mongo.outbox_store import Outgoing
from shared.mongo.unit_of_work import MongoUnitOfWork

INDEXES = {
    WORK_ORDERS: WORK_ORDER_INDEXES,
    **DIRECTORY_INDEXES,
    **RECORD_INDEXES,
    **CLUSTER_INDEXES,
}


class DispatchMongoUnitOfWork(MongoUnitOfWork):
    work_orders: MongoWorkOrderRepository
    directory: MongoDirectory
    records: MongoRecords
    clusters: MongoClusters

    def _bind(self, session: AsyncClientSession) -> None:
        self.work_orders = MongoWorkOrderRepository(self.db, session)
        self.directory = MongoDirectory(self.db, session)
        self.records = MongoRecords(self.db, session)
        self.clusters = MongoClusters(self.db, session)

    def submit_upstream(self, submission: Submission, key: str) -> None:
        """To intake like any upstream system: the submission's JSON, not an event."""
        self.send(
            Outgoing(
                str(uuid4()),
                self._topics.upstream_submissions,
                key.encode(),
                submission.model_dump_json().encode(),
                {"content_type": "application/json"},
            )
        )
