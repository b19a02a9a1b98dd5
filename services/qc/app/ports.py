"""What QC's use cases need from the outside world."""

from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from services.qc.domain.cases import InspectionState, QcCase, QcPolicy
from shared.events.qc import TicketReturned
from shared.ports import UnitOfWork


class Cases(Protocol):
    async def get(self, ticket_id: str) -> QcCase | None: ...

    async def save(self, case: QcCase) -> None:
        """Insert a new case, or replace the one at ``case.version`` (a concurrent change
        since it was read is a ``TransientConflict``); bumps the version."""
        ...

    async def inspections(
        self, tenant_id: str, state: InspectionState, limit: int
    ) -> list[QcCase]: ...

    async def due_visits(self, tenant_id: str, until: datetime, limit: int) -> list[QcCase]: ...


class Policies(Protocol):
    async def get(self, tenant_id: str) -> QcPolicy | None: ...

    async def put(self, tenant_id: str, policy: QcPolicy) -> None: ...


class QcUnitOfWork(UnitOfWork, Protocol):
    @property
    def cases(self) -> Cases: ...

    @property
    def policies(self) -> Policies: ...

    def send_return(self, returned: TicketReturned) -> None:
        """Publish ``returned`` on ``upstream.returns`` when the transaction commits."""
        ...


NewUnitOfWork = Callable[[], QcUnitOfWork]
