"""The gateway's ports in memory, behaving as their adapters do."""

from datetime import datetime
from typing import Any, ClassVar

from services.gateway.app.ports import ServiceRequest
from services.gateway.domain.callers import Caller
from services.gateway.domain.idempotency import KeyRecord, StoredReply
from services.gateway.domain.projection import OPEN_STATUSES, ViewUpdate
from shared.testing.fakes import FakeUnitOfWork


class InMemoryTicketViews:
    def __init__(self) -> None:
        self.docs: dict[str, dict[str, Any]] = {}

    async def aspect_stamps(self, ticket_id: str) -> dict[str, datetime]:
        return dict(self.docs.get(ticket_id, {}).get("aspect_at", {}))

    async def save(self, ticket_id: str, update: ViewUpdate) -> None:
        doc = self.docs.setdefault(ticket_id, {"ticket_id": ticket_id})
        doc.update(update.fields)
        doc.setdefault("aspect_at", {}).update(update.stamps)

    async def get(self, ticket_id: str) -> dict[str, Any] | None:
        doc = self.docs.get(ticket_id)
        return {k: v for k, v in doc.items() if k != "aspect_at"} if doc else None

    async def latest(
        self, status: str | None, tenant_id: str | None, limit: int
    ) -> list[dict[str, Any]]:
        found = [
            v for v in self._views()
            if status in (None, v.get("status")) and tenant_id in (None, v.get("tenant_id"))
        ]  # fmt: skip
        return sorted(found, key=lambda v: v.get("registered_at") or datetime.min)[::-1][:limit]

    async def jobs(self, tenant_id: str, assignee: str, limit: int) -> list[dict[str, Any]]:
        found = [
            v for v in self._views()
            if (v.get("tenant_id"), v.get("assignee")) == (tenant_id, assignee)
            and v.get("status") in OPEN_STATUSES
        ]  # fmt: skip
        return sorted(found, key=_appointment_start)[:limit]

    def _views(self) -> list[dict[str, Any]]:
        return [{k: v for k, v in doc.items() if k != "aspect_at"} for doc in self.docs.values()]


def _appointment_start(view: dict[str, Any]) -> tuple[bool, str]:
    start = (view.get("appointment") or {}).get("starts_at")
    return (start is None, str(start))


class FakeGatewayUnitOfWork(FakeUnitOfWork):
    repositories: ClassVar[tuple[str, ...]] = ("views",)

    def __init__(self) -> None:
        super().__init__()
        self.views = InMemoryTicketViews()


class RecordingServices:
    """Answers ``reply`` (or raises ``error``) and records what it was sent, as whom."""

    def __init__(self, reply: StoredReply) -> None:
        self.reply = reply
        self.error: Exception | None = None
        self.sent: list[tuple[ServiceRequest, Caller]] = []

    async def send(self, request: ServiceRequest, caller: Caller) -> StoredReply:
        self.sent.append((request, caller))
        if self.error is not None:
            raise self.error
        return self.reply


class InMemoryIdempotencyKeys:
    def __init__(self) -> None:
        self.records: dict[str, KeyRecord] = {}

    async def claim(
        self, key: str, fingerprint: str, now: datetime, stale_before: datetime
    ) -> bool:
        record = self.records.get(key)
        if record is not None and not (
            record.fingerprint == fingerprint
            and record.reply is None
            and record.claimed_at < stale_before
        ):
            return False
        self.records[key] = KeyRecord(fingerprint, now, None)
        return True

    async def get(self, key: str) -> KeyRecord | None:
        return self.records.get(key)

    async def keep(self, key: str, reply: StoredReply) -> None:
        record = self.records[key]
        self.records[key] = KeyRecord(record.fingerprint, record.claimed_at, reply)

    async def release(self, key: str) -> None:
        record = self.records.get(key)
        if record is not None and record.reply is None:
            del self.records[key]
