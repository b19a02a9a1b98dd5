"""What QC's use cases need from the outside world."""

from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from services.qc.domain.appeal_templates import AppealTemplate, Category
from services.qc.domain.cases import InspectionState, QcCase, QcPolicy
from services.qc.domain.judgements import JudgementState, Unit
from shared.events.qc import TicketReturned
from shared.events.submissions import Submission
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

    async def judged(self, tenant_id: str, state: JudgementState, limit: int) -> list[QcCase]:
        """A tenant's cases whose standing judgement is in ``state``, oldest closure first."""
        ...


class Policies(Protocol):
    async def get(self, tenant_id: str) -> QcPolicy | None: ...

    async def put(self, tenant_id: str, policy: QcPolicy) -> None: ...


class Units(Protocol):
    async def get(self, tenant_id: str, unit_id: str) -> Unit | None: ...

    async def put(self, tenant_id: str, unit: Unit) -> None: ...

    async def of_tenant(self, tenant_id: str) -> list[Unit]: ...


class AppealTemplates(Protocol):
    async def own(self, tenant_id: str) -> list[AppealTemplate]: ...

    async def retired(self, tenant_id: str) -> list[str]: ...

    async def add(self, template: AppealTemplate) -> bool:
        """False when the tenant has (or retired) a template of that id already."""
        ...

    async def retire(self, tenant_id: str, template_id: str) -> None: ...


class ShippedLibrary(Protocol):
    """The appeal templates the project ships (read once at start)."""

    @property
    def categories(self) -> tuple[Category, ...]: ...

    @property
    def templates(self) -> tuple[AppealTemplate, ...]: ...


class QcUnitOfWork(UnitOfWork, Protocol):
    @property
    def cases(self) -> Cases: ...

    @property
    def policies(self) -> Policies: ...

    @property
    def units(self) -> Units: ...

    @property
    def templates(self) -> AppealTemplates: ...

    def send_return(self, returned: TicketReturned) -> None:
        """Publish ``returned`` on ``upstream.returns`` when the transaction commits."""
        ...

    def submit_upstream(self, submission: Submission) -> None:
        """Submit a new ticket to intake (as upstream systems do) when the transaction
        commits; once per ``external_ref``."""
        ...


NewUnitOfWork = Callable[[], QcUnitOfWork]
