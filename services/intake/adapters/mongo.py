"""Intake's unit of work over MongoDB and the indexes of its collections."""

from pymongo.asynchronous.client_session import AsyncClientSession

from services.intake.adapters.attachments import (
    ATTACHMENT_INDEXES,
    ATTACHMENTS,
    MongoAttachmentRecords,
)
from services.intake.adapters.batch import TransactionState
from services.intake.adapters.customers import (
    ACCOUNT_INDEXES,
    ACCOUNTS,
    CUSTOMER_INDEXES,
    CUSTOMERS,
    MongoCustomerDirectory,
)
from services.intake.adapters.drafts import DRAFT_INDEXES, DRAFTS, MongoDrafts
from services.intake.adapters.tenants import MongoTenantRegistry
from services.intake.adapters.tickets import (
    TICKET_INDEXES,
    TICKETS,
    MongoNumberCounters,
    MongoTicketRepository,
)
from shared.mongo.unit_of_work import MongoUnitOfWork

# Counters and tenants are read by _id only.
INDEXES = {
    TICKETS: TICKET_INDEXES,
    CUSTOMERS: CUSTOMER_INDEXES,
    ACCOUNTS: ACCOUNT_INDEXES,
    ATTACHMENTS: ATTACHMENT_INDEXES,
    DRAFTS: DRAFT_INDEXES,
}


class IntakeMongoUnitOfWork(MongoUnitOfWork):
    tickets: MongoTicketRepository
    counters: MongoNumberCounters
    customers: MongoCustomerDirectory
    tenants: MongoTenantRegistry
    attachments: MongoAttachmentRecords
    drafts: MongoDrafts

    def _bind(self, session: AsyncClientSession) -> None:
        state = TransactionState(self.state, self.before_commit)
        self.tickets = MongoTicketRepository(self.db, session, state)
        self.counters = MongoNumberCounters(self.db, session, state)
        self.customers = MongoCustomerDirectory(self.db, session, state)
        self.tenants = MongoTenantRegistry(self.db, session, self.reads)
        self.attachments = MongoAttachmentRecords(self.db, session)
        self.drafts = MongoDrafts(self.db, session)
