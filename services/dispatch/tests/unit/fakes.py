"""Tiny in-memory stand-ins for dispatch's ports, for driving the use cases in unit tests."""

import copy
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from services.dispatch.domain.approval import ApprovalRule
from services.dispatch.domain.clusters import Cluster, ClusterRule, Complaint, distance_km
from services.dispatch.domain.people import Person
from services.dispatch.domain.routing_rules import RoutingRule
from services.dispatch.domain.values import ChangeRecord, ProblemRecord
from services.dispatch.domain.work_order import WorkOrder
from services.dispatch.tests.unit.builders import NOW
from shared.errors import Conflict
from shared.events.submissions import Submission
from shared.testing.fakes import FakeUnitOfWork as KernelFakeUnitOfWork


class FakeWorkOrders:
    def __init__(self, *orders: WorkOrder, load: Mapping[str, int] | None = None) -> None:
        self.saved = {o.ticket_id: o for o in orders}
        self.load = dict(load or {})

    async def get(self, ticket_id: str) -> WorkOrder | None:
        found = self.saved.get(ticket_id)
        return copy.deepcopy(found) if found else None

    async def add(self, order: WorkOrder) -> None:
        order.version = 1
        self.saved[order.ticket_id] = copy.deepcopy(order)

    async def update(self, order: WorkOrder) -> None:
        if self.saved[order.ticket_id].version != order.version:
            raise Conflict("stale", allowed=order.allowed_commands)
        order.version += 1
        self.saved[order.ticket_id] = copy.deepcopy(order)

    async def open_load(self, tenant_id: str, members: Sequence[str]) -> Mapping[str, int]:
        return {m: n for m, n in self.load.items() if m in members}

    async def todo(self, tenant_id: str, assignee: str, limit: int) -> list[WorkOrder]:
        return [o for o in self.saved.values() if o.assignee == assignee][:limit]

    async def queue(self, tenant_id: str, centre: str, limit: int) -> list[WorkOrder]:
        return [o for o in self.saved.values() if o.group == centre][:limit]

    async def awaiting_approval(
        self, tenant_id: str, role: str, user: str, limit: int
    ) -> list[WorkOrder]:
        found = [
            o for o in self.saved.values()
            if o.approval is not None and o.approval.current.role == role
            and o.approval.current.user in (None, user) and o.approval.requested_by != user
        ]  # fmt: skip
        return copy.deepcopy(found[:limit])

    async def with_extensions(
        self, tenant_id: str, states: Sequence[str], limit: int
    ) -> list[WorkOrder]:
        found = [o for o in self.saved.values() if any(e.state in states for e in o.extensions)]
        return copy.deepcopy(found[:limit])

    async def children_of(self, parent_id: str) -> list[WorkOrder]:
        return copy.deepcopy([o for o in self.saved.values() if o.parent_id == parent_id])

    async def tracked(
        self, tenant_id: str, tracker: str, due_by: date, limit: int
    ) -> list[WorkOrder]:
        found = [
            o for o in self.saved.values()
            if o.tracked and o.tracking and o.tracking.tracked_by == tracker
            and o.tracking.on <= due_by
        ]  # fmt: skip
        return copy.deepcopy(sorted(found, key=lambda o: o.tracking.on if o.tracking else due_by))


class FakeClusters:
    """Complaint points and clusters in memory; distances as the domain measures them."""

    def __init__(self) -> None:
        self.points: dict[str, tuple[str, Complaint]] = {}
        self.saved: dict[str, Cluster] = {}

    async def add_point(self, tenant_id: str, complaint: Complaint) -> None:
        self.points.setdefault(complaint.ticket_id, (tenant_id, complaint))

    async def near(self, tenant_id: str, newest: Complaint, rule: ClusterRule) -> list[Complaint]:
        return [
            c for t, c in self.points.values()
            if t == tenant_id and c.category == newest.category
            and c.registered_at >= newest.registered_at - rule.window
            and distance_km((c.lon, c.lat), (newest.lon, newest.lat)) <= rule.radius_km * 1.01
        ]  # fmt: skip

    async def covering(
        self, tenant_id: str, complaint: Complaint, rule: ClusterRule
    ) -> list[Cluster]:
        return [copy.deepcopy(c) for c in self.saved.values()
                if c.tenant_id == tenant_id and c.covers(complaint)]  # fmt: skip

    async def get(self, cluster_id: str) -> Cluster | None:
        found = self.saved.get(cluster_id)
        return copy.deepcopy(found) if found else None

    async def save(self, cluster: Cluster) -> None:
        self.saved[cluster.cluster_id] = copy.deepcopy(cluster)

    async def of_tenant(self, tenant_id: str, open_only: bool, limit: int) -> list[Cluster]:
        return [copy.deepcopy(c) for c in self.saved.values()
                if c.tenant_id == tenant_id and (c.open or not open_only)][:limit]  # fmt: skip

    async def with_parent(self, parent_id: str) -> list[Cluster]:
        return [copy.deepcopy(c) for c in self.saved.values() if c.parent_id == parent_id]


class FakeDirectory:
    def __init__(
        self,
        rules: Sequence[RoutingRule] = (),
        rosters: Mapping[str, list[str]] | None = None,
        stations: Sequence[str] = (),
        urges: int | None = None,
        staff: Mapping[str, str | None] | None = None,
        approval_rules: Sequence[ApprovalRule] = (),
    ) -> None:
        self.rules, self.rosters = list(rules), dict(rosters or {})
        self.stations, self.urges = list(stations), urges
        self.staff = dict(staff or {})  # username → centre
        self.approvals = list(approval_rules)
        self.clusters_rule = ClusterRule()

    async def routing_rules(self, tenant_id: str) -> list[RoutingRule]:
        return self.rules

    async def on_duty(self, tenant_id: str, group: str) -> list[str]:
        return self.rosters.get(group, [])

    async def nearest_station_groups(
        self, tenant_id: str, lon: float, lat: float, limit: int
    ) -> list[str]:
        return self.stations[:limit]

    async def urge_threshold(self, tenant_id: str) -> int | None:
        return self.urges

    async def approval_rules(self, tenant_id: str) -> list[ApprovalRule]:
        return self.approvals

    async def cluster_rule(self, tenant_id: str) -> ClusterRule:
        return self.clusters_rule

    async def people(self, tenant_id: str, usernames: Sequence[str]) -> dict[str, Person]:
        return {u: Person(u, self.staff[u]) for u in usernames if u in self.staff}

    async def put(self, kind: str, tenant_id: str, key: str, doc: Mapping[str, Any]) -> None:
        raise NotImplementedError

    async def get(self, kind: str, tenant_id: str, key: str) -> dict[str, Any] | None:
        raise NotImplementedError

    async def items(self, kind: str, tenant_id: str) -> list[dict[str, Any]]:
        raise NotImplementedError

    async def delete(self, kind: str, tenant_id: str, key: str) -> bool:
        raise NotImplementedError


class FakeRecords:
    def __init__(self) -> None:
        self.problems: list[ProblemRecord] = []
        self.changes: list[ChangeRecord] = []

    async def add_problem(self, problem: ProblemRecord) -> None:
        self.problems.append(problem)

    async def add_change(self, change: ChangeRecord) -> None:
        self.changes.append(change)


class FakeUnitOfWork(KernelFakeUnitOfWork):
    repositories = ("work_orders", "directory", "records", "clusters")

    def __init__(self, work_orders: FakeWorkOrders, directory: FakeDirectory) -> None:
        super().__init__(NOW)
        self.work_orders, self.directory, self.records = work_orders, directory, FakeRecords()
        self.clusters = FakeClusters()

    def submit_upstream(self, submission: Submission, key: str) -> None:
        self.send(submission)
