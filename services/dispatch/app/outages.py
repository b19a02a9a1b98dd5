"""Outage clusters and parent incidents: detect a cluster when a ticket is registered, let
a dispatcher make a ticket its parent incident, resolve the children with the parent."""

from datetime import datetime
from uuid import NAMESPACE_URL, uuid5

from services.dispatch.app.ports import DispatchUnitOfWork, NewUnitOfWork
from services.dispatch.domain import incidents
from services.dispatch.domain.clusters import (
    Cluster,
    Complaint,
    category_of,
    centre_of,
    members_of,
)
from services.dispatch.domain.work_order import WorkOrder
from shared.errors import InvalidFields, NotFound
from shared.events import SYSTEM_ACTOR, Actor
from shared.events.dispatch import (
    ClusterDetected,
    ClusterDetectedPayload,
    TicketJoinedCluster,
    TicketJoinedClusterPayload,
    TicketResolved,
)
from shared.retry import retry_transient


def complaint_of(order: WorkOrder, registered_at: datetime) -> Complaint | None:
    category = category_of(order.type.value, order.service)
    if category is None or order.lon is None or order.lat is None:
        return None
    return Complaint(order.ticket_id, category, order.lon, order.lat, registered_at)


async def place(uow: DispatchUnitOfWork, order: WorkOrder, registered_at: datetime) -> None:
    """A new ticket with a location: into the open cluster it falls in, else maybe the one
    it completes. Runs in the registration's transaction, before the work order is added."""
    complaint = complaint_of(order, registered_at)
    if complaint is None:
        return
    rule = await uow.directory.cluster_rule(order.tenant_id)
    await uow.clusters.add_point(order.tenant_id, complaint)
    for cluster in await uow.clusters.covering(order.tenant_id, complaint, rule):
        if cluster.covers(complaint):
            await _join(uow, cluster, order, complaint)
            return
    candidates = await uow.clusters.near(order.tenant_id, complaint, rule)
    members = members_of(complaint, candidates, rule)
    if not members:
        return
    # Detected already, by a later complaint processed first (tickets arrive on several
    # partitions) in this same transaction, where the geo query above may not see it:
    # joining it keeps its members; detecting it again would overwrite them.
    detected = await uow.clusters.get(_cluster_id(order.tenant_id, members))
    if detected is not None and detected.covers(complaint):
        await _join(uow, detected, order, complaint)
        return
    points = {c.ticket_id: c for c in [*candidates, complaint] if c.ticket_id in members}
    await _detect(uow, order, list(points.values()), members, rule.radius_km)


def _cluster_id(tenant_id: str, members: list[str]) -> str:
    return str(uuid5(NAMESPACE_URL, f"cluster:{tenant_id}:{members[0]}"))


async def _join(
    uow: DispatchUnitOfWork, cluster: Cluster, order: WorkOrder, complaint: Complaint
) -> None:
    if not cluster.join(complaint):
        return
    await uow.clusters.save(cluster)
    _joined(order, cluster, complaint.registered_at)
    parent = await uow.work_orders.get(cluster.parent_id) if cluster.parent_id else None
    if parent is not None:
        incidents.link(order, parent, cluster.cluster_id, SYSTEM_ACTOR, complaint.registered_at)


async def _detect(
    uow: DispatchUnitOfWork, order: WorkOrder, points: list[Complaint], members: list[str],
    radius_km: float,
) -> None:  # fmt: skip
    newest = max(points, key=lambda p: p.registered_at)
    cluster_id = _cluster_id(order.tenant_id, members)
    cluster = Cluster(cluster_id, order.tenant_id, newest.category,
                      centre_of((p.lon, p.lat) for p in points), radius_km,
                      newest.registered_at, list(members))  # fmt: skip
    await uow.clusters.save(cluster)
    lon, lat = cluster.centre
    order.record(ClusterDetected, ClusterDetectedPayload(
        cluster_id=cluster_id, category=cluster.category, lon=lon, lat=lat,
        radius_km=radius_km, members=list(members),
    ), SYSTEM_ACTOR, newest.registered_at)  # fmt: skip
    for member_id in members:
        member = order if member_id == order.ticket_id else await uow.work_orders.get(member_id)
        if member is None:
            continue  # registered, not yet a work order here: it joins when it arrives
        _joined(member, cluster, newest.registered_at)
        if member is not order:
            await uow.work_orders.update(member)
            uow.publish(*member.events)


def _joined(order: WorkOrder, cluster: Cluster, now: datetime) -> None:
    payload = TicketJoinedClusterPayload(
        cluster_id=cluster.cluster_id, category=cluster.category, status=order.status
    )
    order.record(TicketJoinedCluster, payload, SYSTEM_ACTOR, now)


async def make_parent(
    cluster_id: str, parent_id: str, actor: Actor, new_uow: NewUnitOfWork
) -> Cluster:
    """The dispatcher's parent incident for the cluster: every open member is linked to it
    (and so is any complaint that joins later)."""
    incidents.require_dispatcher(actor)

    async def attempt() -> Cluster:
        async with new_uow() as uow:
            cluster = await uow.clusters.get(cluster_id)
            if cluster is None:
                raise NotFound(f"no cluster {cluster_id}")
            parent = await uow.work_orders.get(parent_id)
            if parent is None:
                raise InvalidFields({"ticket_id": f"no ticket {parent_id}"})
            incidents.check_parent(parent, cluster.tenant_id)
            cluster.parent_id = parent.ticket_id
            await uow.clusters.save(cluster)
            for member_id in cluster.members:
                member = await uow.work_orders.get(member_id)
                if member and incidents.link(member, parent, cluster_id, actor, uow.now()):
                    await uow.work_orders.update(member)
                    uow.publish(*member.events)
            await uow.commit()
            return cluster

    return await retry_transient(attempt)


async def resolve_children(uow: DispatchUnitOfWork, parent: WorkOrder) -> None:
    """The parent was resolved in this transaction: so is each open child, and the parent's
    clusters are closed (nothing joins a resolved outage)."""
    if not any(isinstance(e, TicketResolved) for e in parent.events):
        return
    resolver = next(e.actor for e in parent.events if isinstance(e, TicketResolved))
    now = uow.now()
    for child in await uow.work_orders.children_of(parent.ticket_id):
        if incidents.resolve_with_parent(child, parent, resolver, now):
            await uow.work_orders.update(child)
            uow.publish(*child.events)
    for cluster in await uow.clusters.with_parent(parent.ticket_id):
        cluster.open = False
        await uow.clusters.save(cluster)


async def clusters(
    tenant_id: str, open_only: bool, limit: int, new_uow: NewUnitOfWork
) -> list[Cluster]:
    async with new_uow() as uow:
        return await uow.clusters.of_tenant(tenant_id, open_only, limit)
