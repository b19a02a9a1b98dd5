"""What the dispatch use cases need from the outside world."""

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any, Protocol

from services.dispatch.domain.approval import ApprovalRule
from services.dispatch.domain.clusters import Cluster, ClusterRule, Complaint
from services.dispatch.domain.people import Person
from services.dispatch.domain.routing_rules import RoutingRule
from services.dispatch.domain.values import ChangeRecord, ProblemRecord
from services.dispatch.domain.work_order import WorkOrder
from shared.events.submissions import Submission
from shared.ports import UnitOfWork


class WorkOrderRepository(Protocol):
    async def get(self, ticket_id: str) -> WorkOrder | None: ...

    async def add(self, order: WorkOrder) -> None: ...

    async def update(self, order: WorkOrder) -> None:
        """Save if nobody saved since ``order`` was read; else :class:`Conflict`."""

    async def open_load(self, tenant_id: str, members: Sequence[str]) -> Mapping[str, int]: ...

    async def todo(self, tenant_id: str, assignee: str, limit: int) -> list[WorkOrder]: ...

    async def queue(self, tenant_id: str, centre: str, limit: int) -> list[WorkOrder]: ...

    async def awaiting_approval(
        self, tenant_id: str, role: str, user: str, limit: int
    ) -> list[WorkOrder]:
        """Pending approval at a step for ``role`` (anyone of it, or ``user`` by name),
        proposed by someone else."""
        ...

    async def with_extensions(
        self, tenant_id: str, states: Sequence[str], limit: int
    ) -> list[WorkOrder]:
        """Work orders with an extension request in one of ``states``."""
        ...

    async def tracked(
        self, tenant_id: str, tracker: str, due_by: date, limit: int
    ) -> list[WorkOrder]:
        """``tracker``'s active follow-ups dated ``due_by`` or earlier, earliest first."""
        ...

    async def children_of(self, parent_id: str) -> list[WorkOrder]:
        """The work orders linked to the parent incident ``parent_id``."""
        ...


class Clusters(Protocol):
    """Where complaints were registered, and the outage clusters they formed."""

    async def add_point(self, tenant_id: str, complaint: Complaint) -> None: ...

    async def near(self, tenant_id: str, newest: Complaint, rule: ClusterRule) -> list[Complaint]:
        """The tenant's complaints of ``newest``'s category registered within the rule's
        window before it and roughly within its radius (the domain decides exactly)."""
        ...

    async def covering(
        self, tenant_id: str, complaint: Complaint, rule: ClusterRule
    ) -> list[Cluster]: ...

    async def get(self, cluster_id: str) -> Cluster | None: ...

    async def save(self, cluster: Cluster) -> None: ...

    async def of_tenant(self, tenant_id: str, open_only: bool, limit: int) -> list[Cluster]: ...

    async def with_parent(self, parent_id: str) -> list[Cluster]: ...


class Directory(Protocol):
    """Staff, groups, stations, on-duty rosters, routing rules and tenant policies."""

    async def routing_rules(self, tenant_id: str) -> list[RoutingRule]: ...

    async def on_duty(self, tenant_id: str, group: str) -> list[str]: ...

    async def nearest_station_groups(
        self, tenant_id: str, lon: float, lat: float, limit: int
    ) -> list[str]: ...

    async def urge_threshold(self, tenant_id: str) -> int | None: ...

    async def approval_rules(self, tenant_id: str) -> list[ApprovalRule]: ...

    async def cluster_rule(self, tenant_id: str) -> ClusterRule:
        """The tenant's rule, else the defaults (5 complaints, 2 km, 60 minutes)."""
        ...

    async def people(self, tenant_id: str, usernames: Sequence[str]) -> dict[str, Person]:
        """The staff of the tenant among ``usernames``, with their centres."""
        ...

    async def put(self, kind: str, tenant_id: str, key: str, doc: Mapping[str, Any]) -> None: ...

    async def get(self, kind: str, tenant_id: str, key: str) -> dict[str, Any] | None: ...

    async def items(self, kind: str, tenant_id: str) -> list[dict[str, Any]]: ...

    async def delete(self, kind: str, tenant_id: str, key: str) -> bool: ...


class Records(Protocol):
    """Problem and change records created from tickets."""

    async def add_problem(self, problem: ProblemRecord) -> None: ...

    async def add_change(self, change: ChangeRecord) -> None: ...


class DispatchUnitOfWork(UnitOfWork, Protocol):
    @property
    def work_orders(self) -> WorkOrderRepository: ...

    @property
    def directory(self) -> Directory: ...

    @property
    def records(self) -> Records: ...

    @property
    def clusters(self) -> Clusters: ...

    def submit_upstream(self, submission: Submission, key: str) -> None:
        """Queue ``submission`` for intake's registration path, sent with the commit."""


NewUnitOfWork = Callable[[], DispatchUnitOfWork]
