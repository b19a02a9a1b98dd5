"""What the dispatch use cases need from the outside world."""

from collections.abc import Callable
from datetime import datetime
from types import TracebackType
from typing import Protocol, Self
from uuid import UUID

from services.dispatch.domain.work_order import WorkOrder
from shared.events import EventEnvelope


class WorkOrderRepository(Protocol):
    async def get(self, ticket_id: str) -> WorkOrder | None: ...

    async def add(self, order: WorkOrder) -> None: ...


class DispatchUnitOfWork(Protocol):
    @property
    def work_orders(self) -> WorkOrderRepository: ...

    def now(self) -> datetime: ...

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    async def already_processed(self, consumer: str, event_id: UUID) -> bool: ...

    def publish(self, *events: EventEnvelope) -> None: ...

    async def commit(self) -> None: ...


NewUnitOfWork = Callable[[], DispatchUnitOfWork]
