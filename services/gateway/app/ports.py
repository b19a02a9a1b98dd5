"""What the gateway's use cases need from the outside world."""

from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from services.gateway.domain.callers import Caller
from services.gateway.domain.idempotency import KeyRecord, StoredReply
from services.gateway.domain.projection import ViewUpdate
from services.gateway.domain.queries import Page, TicketFilter
from services.gateway.domain.reports import ReportRequest
from shared.ports import UnitOfWork


class TicketViews(Protocol):
    async def aspect_stamps(self, ticket_id: str) -> dict[str, datetime]: ...

    async def current(self, ticket_id: str) -> tuple[dict[str, datetime], dict[str, Any]]:
        """The aspect stamps, and the view's ``handled_by``, ``assignee`` and ``status``
        (empty for a ticket not seen yet)."""
        ...

    async def save(self, ticket_id: str, update: ViewUpdate) -> None: ...

    async def get(self, ticket_id: str) -> dict[str, Any] | None: ...

    async def search(self, query: TicketFilter, page: Page, now: datetime) -> list[dict[str, Any]]:
        """A page in list order; ``now`` is where a newest-first list starts looking."""
        ...

    async def jobs(self, tenant_id: str, assignee: str, limit: int) -> list[dict[str, Any]]: ...

    async def of_customer(self, tenant_id: str, key: str, limit: int) -> list[dict[str, Any]]:
        """Up to ``limit`` of the tickets whose customer keys hold ``key``, newest first."""
        ...


class Notifications(Protocol):
    """Each staff member's in-app notices (notify's ``notification.posted``)."""

    async def post(self, item: dict[str, Any]) -> None:
        """Keep ``item`` under its ``_id``; posting it again changes nothing (not even
        whether it was read)."""
        ...

    async def of(
        self, tenant_id: str, recipient: str, unread_only: bool, limit: int
    ) -> list[dict[str, Any]]:
        """The newest first."""
        ...

    async def mark_read(self, tenant_id: str, recipient: str, item_id: str, at: datetime) -> bool:
        """False when the recipient has no such notice."""
        ...


class GatewayUnitOfWork(UnitOfWork, Protocol):
    @property
    def views(self) -> TicketViews: ...

    @property
    def notifications(self) -> Notifications: ...


NewUnitOfWork = Callable[[], GatewayUnitOfWork]


@dataclass(frozen=True)
class FeedChange:
    """A ticket's view as one change left it; both ``None``: the feed could not resume
    where asked and starts from now (the caller reloads what it shows)."""

    event_id: str | None
    view: dict[str, Any] | None


class TicketFeed(Protocol):
    def follow(self, tenant_id: str, resume_from: str | None) -> AsyncIterator[FeedChange]:
        """Each change of a tenant's tickets, from now on or from after ``resume_from``."""
        ...


class NotificationFeed(Protocol):
    def follow(
        self, tenant_id: str, recipient: str, resume_from: str | None
    ) -> AsyncIterator[FeedChange]:
        """Each notice posted for ``recipient`` from now on or from after ``resume_from``."""
        ...


class Reports(Protocol):
    async def ticket_groups(
        self, request: ReportRequest
    ) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        """The counts and durations (ms) per group, in key order, and over all groups."""
        ...


class TokenVerifier(Protocol):
    async def claims(self, token: str) -> Mapping[str, Any]:
        """The claims of a token whose signature, issuer, audience and lifetime hold;
        ``Unauthenticated`` otherwise."""
        ...


@dataclass(frozen=True)
class ServiceRequest:
    """A request to a service behind the gateway, made on a caller's behalf."""

    service: str
    method: str
    path: str
    body: bytes = b""
    content_type: str = ""
    params: Mapping[str, str] = field(default_factory=dict)
    if_match: str | None = None


class Services(Protocol):
    async def send(self, request: ServiceRequest, caller: Caller) -> StoredReply:
        """The service's answer; it sees the caller as ``X-Actor-Id``/``X-Actor-Role``."""
        ...


class IdempotencyKeys(Protocol):
    async def claim(
        self, key: str, fingerprint: str, now: datetime, stale_before: datetime
    ) -> bool:
        """Take ``key`` for a request: a new key, or one whose request with this fingerprint
        died before ``stale_before``. False when someone else has it."""
        ...

    async def get(self, key: str) -> KeyRecord | None: ...

    async def keep(self, key: str, reply: StoredReply) -> None: ...

    async def release(self, key: str) -> None: ...
