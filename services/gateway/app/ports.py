"""What the gateway's read-model use cases need from the outside world."""

from collections.abc import Callable
from typing import Any, Protocol

from services.gateway.domain.projection import ViewChange
from shared.ports import UnitOfWork


class TicketViews(Protocol):
    async def apply(self, change: ViewChange) -> None: ...

    async def get(self, ticket_id: str) -> dict[str, Any] | None: ...

    async def list(
        self, status: str | None, tenant_id: str | None, limit: int
    ) -> list[dict[str, Any]]: ...


class GatewayUnitOfWork(UnitOfWork, Protocol):
    @property
    def views(self) -> TicketViews: ...


NewUnitOfWork = Callable[[], GatewayUnitOfWork]
