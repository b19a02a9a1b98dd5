"""A tiny in-memory unit of work for intake's use-case tests."""

from datetime import UTC, datetime

from services.intake.app.ports import DuplicateSubmission
from services.intake.domain.ticket import Ticket


class FakeTickets:
    def __init__(self):
        self.rows: dict[str, Ticket] = {}

    async def get(self, ticket_id):
        return self.rows.get(ticket_id)

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
        self.rows[ticket.ticket_id] = ticket


class FakeCounters:
    def __init__(self):
        self.values: dict[str, int] = {}

    async def next(self, key):
        self.values[key] = self.values.get(key, 0) + 1
        return self.values[key]


class FakeUnitOfWork:
    def __init__(self, now=datetime(2026, 3, 7, 16, 30, tzinfo=UTC)):
        self.tickets, self.counters = FakeTickets(), FakeCounters()
        self.published, self.committed, self._now = [], 0, now
        self._pending = []

    def __call__(self):
        return self

    def now(self):
        return self._now

    async def __aenter__(self):
        self._pending = []
        return self

    async def __aexit__(self, *exc):
        self._pending = []

    def publish(self, *events):
        self._pending.extend(events)

    async def commit(self):
        self.published.extend(self._pending)
        self.committed += 1
