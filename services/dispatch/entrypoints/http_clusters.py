"""Outage clusters (集中投诉区域) and parent incidents: the coordination team's list of areas
where complaints concentrate, making a ticket the parent incident of one, and handling a
child on its own again."""

from datetime import datetime
from typing import Annotated, Self

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from services.dispatch.app import commands, outages
from services.dispatch.domain.clusters import Cluster
from services.dispatch.entrypoints.deps import Ctx, TargetTicket, Who
from services.dispatch.entrypoints.views import WorkOrderView, work_order_view

router = APIRouter(tags=["outage clusters"])


class ClusterView(BaseModel):
    cluster_id: str
    tenant_id: str
    category: str
    lon: float
    lat: float
    radius_km: float
    detected_at: datetime
    members: list[str]
    parent_id: str | None
    open: bool

    @classmethod
    def of(cls, c: Cluster) -> Self:
        return cls(
            cluster_id=c.cluster_id, tenant_id=c.tenant_id, category=c.category,
            lon=c.centre[0], lat=c.centre[1], radius_km=c.radius_km,
            detected_at=c.detected_at, members=list(c.members), parent_id=c.parent_id,
            open=c.open,
        )  # fmt: skip


class ParentBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ticket_id: Annotated[str, Field(min_length=1, max_length=64)]


class UnlinkBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Annotated[str, Field(min_length=1, max_length=2000)] | None = None


@router.get("/tenants/{tenant_id}/clusters", response_model=list[ClusterView])
async def clusters(
    tenant_id: str, ctx: Ctx, open: bool = True,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[ClusterView]:  # fmt: skip
    """The tenant's outage clusters, the newest first (open ones only by default)."""
    return [ClusterView.of(c) for c in await outages.clusters(tenant_id, open, limit, ctx.new_uow)]


@router.post("/clusters/{cluster_id}/parent", response_model=ClusterView)
async def make_parent(cluster_id: str, body: ParentBody, ctx: Ctx, who: Who) -> ClusterView:
    """Make an open ticket of the tenant (created for the outage, or one of the members) the
    parent incident: resolving it resolves every open member with its cause and solution."""
    return ClusterView.of(await outages.make_parent(cluster_id, body.ticket_id, who, ctx.new_uow))


@router.post("/work-orders/{ticket_id}/unlink-parent", response_model=WorkOrderView)
async def unlink_parent(body: UnlinkBody, ctx: Ctx, t: TargetTicket) -> WorkOrderView:
    """Handle the ticket on its own again (dispatcher, group lead, supervisor, admin)."""
    return work_order_view(await commands.unlink_parent(ctx.new_uow, t, body.reason))
