"""What the gateway's read-model use cases need from the outside world."""

from collections.abc import Callable
from types import TracebackType
from typing import Any, Protocol, Self
from uuid import UUID

from services.gateway.domain.projection import ViewChange


class TicketViews(Protocol):
    async def apply(self, change: ViewChange) -> None: ...

    async def get(self, ticket_id: str) -> dict[str, Any] | None: ...

    async def list(
        self, status: str | None, tenant_id: str | None, limit: int
    ) -> list[dict[str, Any]]: ...


class GatewayUnitOfWork(Protocol):
    @property
    def views(self) -> TicketViews: ...

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    async def already_processed(self, consumer: str, event_id: UUID) -> bool: ...

    async def commit(self) -> None: ...


NewUnitOfWork = Callable[[], GatewayUnitOfWork]
