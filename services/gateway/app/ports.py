"""What the gateway's read-model use cases need from the outside world."""

from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol

from services.gateway.domain.projection import ViewUpdate
from shared.ports import UnitOfWork


class TicketViews(Protocol):
    async def aspect_stamps(self, ticket_id: str) -> dict[str, datetime]: ...

    async def save(self, ticket_id: str, update: ViewUpdate) -> None: ...

    async def get(self, ticket_id: str) -> dict[str, Any] | None: ...

    async def list(
        self, status: str | None, tenant_id: str | None, limit: int
    ) -> list[dict[str, Any]]: ...


class GatewayUnitOfWork(UnitOfWork, Protocol):
    @property
    def views(self) -> TicketViews: ...


NewUnitOfWork = Callable[[], GatewayUnitOfWork]
