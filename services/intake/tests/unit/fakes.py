"""Intake's repositories in memory, in the kernel's fake unit of work, for use-case tests."""

from dataclasses import replace
from datetime import UTC, datetime

from services.intake.app.ports import DuplicateCustomer, DuplicateSubmission
from services.intake.domain.tenants import Tenant
from shared.events.vocabulary import TicketStatus
from shared.testing.fakes import DEFAULT_NOW
from shared.testing.fakes import FakeUnitOfWork as KernelFakeUnitOfWork


class FakeTickets:
    """What is in memory is read at no cost: preloading changes nothing."""

    def __init__(self):
        self.rows = {}

    async def preload(self, refs):
        return None

    async def preload_contacts(self, tenant_id, contact_keys):
        return None

    async def get(self, ticket_id):
        row = self.rows.get(ticket_id)
        return replace(row, events=[]) if row else None

    async def find_by_external_ref(self, tenant_id, source, external_ref):
        return next(
            (
                t
                for t in self.rows.values()
                if (t.tenant_id, t.submission.source, t.submission.external_ref)
                == (tenant_id, source, external_ref)
            ),
            None,
        )

    async def add(self, ticket):
        s = ticket.submission
        if await self.find_by_external_ref(s.tenant_id, s.source, s.external_ref):
            raise DuplicateSubmission(s.external_ref)
        self.rows[ticket.ticket_id] = replace(ticket, events=[])

    async def registered_since(self, tenant_id, contact_keys, since):
        return [
            replace(t, events=[])
            for t in self.rows.values()
            if t.tenant_id == tenant_id
            and set(t.contact_keys) & set(contact_keys)
            and t.registered_at >= since
        ]

    async def quarantined(self, tenant_id, contact_keys):
        found = await self.registered_since(
            tenant_id, contact_keys, datetime.min.replace(tzinfo=UTC)
        )
        return [t for t in found if t.status is TicketStatus.QUARANTINED]

    async def save_status(self, ticket):
        self.rows[ticket.ticket_id].status = ticket.status

    async def mark_closed(self, ticket_id):
        if ticket_id in self.rows:
            self.rows[ticket_id].open = False


class FakeCounters:
    def __init__(self):
        self.values = {}

    async def reserve(self, key, count):
        return None  # handing out one by one gives the same numbers

    async def next(self, key):
        self.values[key] = self.values.get(key, 0) + 1
        return self.values[key]


class FakeCustomers:
    def __init__(self):
        self.rows, self.accounts = {}, {}

    async def preload(self, tenant_id, contact_keys):
        return None

    async def get(self, customer_id):
        return self.rows.get(customer_id)

    async def find(self, tenant_id, contact_keys):
        found = [
            c
            for c in self.rows.values()
            if c.tenant_id == tenant_id and set(c.keys) & set(contact_keys)
        ]
        return max(found, key=lambda c: c.verified, default=None)

    async def save(self, customer):
        for other in self.rows.values():
            same = (other.tenant_id, other.contact_id) == (customer.tenant_id, customer.contact_id)
            if same and customer.contact_id and other.customer_id != customer.customer_id:
                raise DuplicateCustomer(f"contact_id {customer.contact_id} is taken")
        self.rows[customer.customer_id] = customer

    async def delete(self, customer_id):
        return self.rows.pop(customer_id, None) is not None

    async def of_tenant(self, tenant_id, after, limit):
        mine = sorted(
            (c for c in self.rows.values() if c.tenant_id == tenant_id), key=lambda c: c.customer_id
        )
        return [c for c in mine if after is None or c.customer_id > after][:limit]

    async def get_account(self, tenant_id, account_id):
        return self.accounts.get((tenant_id, account_id))

    async def save_account(self, account):
        self.accounts[(account.tenant_id, account.account_id)] = account

    async def delete_account(self, tenant_id, account_id):
        return self.accounts.pop((tenant_id, account_id), None) is not None


class FakeTenants:
    def __init__(self):
        self.rows = {}

    async def preload(self, tenant_ids):
        return None

    def provision(self, tenant_id, config=None):
        self.rows[tenant_id] = Tenant(tenant_id, tenant_id.upper(), config)

    async def get(self, tenant_id):
        return self.rows.get(tenant_id)

    async def save(self, tenant):
        self.rows[tenant.tenant_id] = tenant

    async def page(self, after, limit):
        ids = sorted(i for i in self.rows if after is None or i > after)
        return [self.rows[i] for i in ids[:limit]]


class FakeAttachments:
    def __init__(self):
        self.rows = []

    async def add(self, attachment):
        self.rows.append(attachment)

    async def get(self, ticket_id, attachment_id):
        return next(
            (a for a in self.rows if (a.ticket_id, a.attachment_id) == (ticket_id, attachment_id)),
            None,
        )

    async def of_ticket(self, ticket_id):
        return [a for a in self.rows if a.ticket_id == ticket_id]


class FakeBlobs:
    def __init__(self):
        self.files = {}

    async def put(self, blob_id, filename, content):
        self.files[blob_id] = content

    async def read(self, blob_id):
        return self.files[blob_id]

    async def delete(self, blob_id):
        self.files.pop(blob_id, None)


class FakeDrafts:
    def __init__(self):
        self.rows = {}

    async def get(self, draft_id):
        row = self.rows.get(draft_id)
        return replace(row) if row else None

    async def save(self, draft):
        self.rows[draft.draft_id] = replace(draft)

    async def delete(self, draft_id):
        return self.rows.pop(draft_id, None) is not None

    async def open_of(self, tenant_id, owner, limit):
        mine = [
            replace(d)
            for d in self.rows.values()
            if (d.tenant_id, d.owner, d.open) == (tenant_id, owner, True)
        ]
        return sorted(mine, key=lambda d: d.updated_at, reverse=True)[:limit]

    async def count_open(self, tenant_id, owner):
        return len(await self.open_of(tenant_id, owner, len(self.rows) + 1))


class FakeUnitOfWork(KernelFakeUnitOfWork):
    repositories = ("tickets", "counters", "customers", "tenants", "attachments", "drafts")

    def __init__(self, now=DEFAULT_NOW):
        super().__init__(now)
        self.tickets, self.counters = FakeTickets(), FakeCounters()
        self.customers, self.tenants = FakeCustomers(), FakeTenants()
        self.tenants.provision("acme")  # the tenant of every submission unless a test says
        self.attachments = FakeAttachments()
        self.drafts = FakeDrafts()
