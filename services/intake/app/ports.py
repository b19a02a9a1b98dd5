"""What the intake use cases need from the outside world."""

from collections.abc import Callable, Collection
from datetime import datetime
from typing import Protocol

from services.intake.domain.attachments import Attachment
from services.intake.domain.contacts import Account, Customer
from services.intake.domain.drafts import Draft
from services.intake.domain.tenants import Tenant
from services.intake.domain.ticket import ExternalRef, Ticket
from shared.errors import Conflict
from shared.ports import UnitOfWork


class DuplicateSubmission(Exception):
    """Another registration of the same (tenant, source, external_ref) committed first."""


class DuplicateCustomer(Conflict):
    """Another customer of the tenant already has this contact_id."""


class TicketRepository(Protocol):
    async def preload(self, refs: Collection[ExternalRef]) -> None:
        """Read up front what a batch will look up by external reference; from then on, in
        its transaction, the tickets it adds are written together at its commit, and every
        lookup sees them as stored ones."""
        ...

    async def preload_contacts(self, tenant_id: str, contact_keys: Collection[str]) -> None:
        """Read up front what a batch's ``registered_since`` of these contacts will return."""
        ...

    async def get(self, ticket_id: str) -> Ticket | None: ...

    async def find_by_external_ref(
        self, tenant_id: str, source: str, external_ref: str
    ) -> Ticket | None: ...

    async def add(self, ticket: Ticket) -> None:
        """Raises :class:`DuplicateSubmission` if the external reference is taken."""
        ...

    async def registered_since(
        self, tenant_id: str, contact_keys: list[str], since: datetime
    ) -> list[Ticket]:
        """Tickets of any of ``contact_keys`` registered at or after ``since``."""
        ...

    async def quarantined(self, tenant_id: str, contact_keys: list[str]) -> list[Ticket]: ...

    async def save_status(self, ticket: Ticket) -> None: ...

    async def mark_closed(self, ticket_id: str) -> None: ...


class NumberCounters(Protocol):
    async def reserve(self, key: str, count: int) -> None:
        """Take ``count`` values of ``key`` at once for this transaction's ``next`` (once
        per key); the ones it does not use are given back before it commits."""
        ...

    async def next(self, key: str) -> int:
        """The next value of counter ``key``, starting at 1, inside the unit of work."""
        ...


class CustomerDirectory(Protocol):
    async def preload(self, tenant_id: str, contact_keys: Collection[str]) -> None:
        """Read up front what a batch's ``find``s of these keys will return."""
        ...

    async def get(self, customer_id: str) -> Customer | None: ...

    async def find(self, tenant_id: str, contact_keys: list[str]) -> Customer | None:
        """The customer recognised by any of the keys, a verified one first."""
        ...

    async def save(self, customer: Customer) -> None:
        """Insert or replace; raises :class:`DuplicateCustomer` on a taken contact_id."""
        ...

    async def delete(self, customer_id: str) -> bool: ...

    async def of_tenant(self, tenant_id: str, after: str | None, limit: int) -> list[Customer]:
        """One page of the tenant's customers in ``customer_id`` order, after ``after``."""
        ...

    async def get_account(self, tenant_id: str, account_id: str) -> Account | None: ...

    async def save_account(self, account: Account) -> None: ...

    async def delete_account(self, tenant_id: str, account_id: str) -> bool: ...


class TenantRegistry(Protocol):
    async def preload(self, tenant_ids: Collection[str]) -> None:
        """Read the tenants a batch will ``get`` in one go."""
        ...

    async def get(self, tenant_id: str) -> Tenant | None: ...

    async def save(self, tenant: Tenant) -> None: ...

    async def page(self, after: str | None, limit: int) -> list[Tenant]:
        """One page of tenants in ``tenant_id`` order, after ``after``."""
        ...


class AttachmentRecords(Protocol):
    async def add(self, attachment: Attachment) -> None: ...

    async def get(self, ticket_id: str, attachment_id: str) -> Attachment | None: ...

    async def of_ticket(self, ticket_id: str) -> list[Attachment]: ...


class DraftRepository(Protocol):
    async def get(self, draft_id: str) -> Draft | None:
        """The draft, submitted or not."""
        ...

    async def save(self, draft: Draft) -> None:
        """Insert or replace."""
        ...

    async def delete(self, draft_id: str) -> bool: ...

    async def open_of(self, tenant_id: str, owner: str, limit: int) -> list[Draft]:
        """The owner's drafts of the tenant not submitted yet, last changed first."""
        ...

    async def count_open(self, tenant_id: str, owner: str) -> int: ...


class BlobStore(Protocol):
    """Attachment bytes, written outside the transaction (and removed if it aborts)."""

    async def put(self, blob_id: str, filename: str, content: bytes) -> None: ...

    async def read(self, blob_id: str) -> bytes: ...

    async def delete(self, blob_id: str) -> None: ...


class IntakeUnitOfWork(UnitOfWork, Protocol):
    @property
    def tickets(self) -> TicketRepository: ...

    @property
    def counters(self) -> NumberCounters: ...

    @property
    def customers(self) -> CustomerDirectory: ...

    @property
    def tenants(self) -> TenantRegistry: ...

    @property
    def attachments(self) -> AttachmentRecords: ...

    @property
    def drafts(self) -> DraftRepository: ...


NewUnitOfWork = Callable[[], IntakeUnitOfWork]
