"""Outage clusters (集中投诉区域) through the gateway: the coordination team's list of the
tenant's clusters, making a ticket of the tenant a cluster's parent incident, and taking a
child out of it; forwarded to dispatch with the caller as the actor."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from services.gateway.app import forwarding
from services.gateway.app.ports import ServiceRequest
from services.gateway.domain.callers import STAFF, require
from services.gateway.entrypoints.commands_http import JSON, IdempotencyKey, as_response
from services.gateway.entrypoints.deps import Ctx, Tenant, Who
from services.gateway.entrypoints.schemas import EDGE_RESPONSES

router = APIRouter(tags=["outage clusters"], responses=EDGE_RESPONSES)
ClusterId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9-]+$")]


class ParentBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ticket_id: Annotated[str, Field(min_length=1, max_length=64)]


@router.get("/clusters")
async def clusters(
    ctx: Ctx, who: Who, tenant: Tenant, open: bool = True,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> Response:  # fmt: skip
    """Your tenant's outage clusters, newest first."""
    require(who, STAFF)
    params = {"open": str(open).lower(), "limit": str(limit)}
    sent = ServiceRequest("dispatch", "GET", f"/tenants/{tenant}/clusters", params=params)
    return as_response(await forwarding.send(sent, who, None, ctx.forwarding))


@router.post("/clusters/{cluster_id}/parent")
async def make_parent(
    cluster_id: ClusterId,
    body: ParentBody,
    ctx: Ctx,
    who: Who,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Make a ticket of your tenant the cluster's parent incident (dispatch checks that the
    cluster is of the same tenant and who may)."""
    await forwarding.ticket_in_scope(body.ticket_id, who, ctx.new_uow)
    sent = ServiceRequest("dispatch", "POST", f"/clusters/{cluster_id}/parent",
                          body.model_dump_json().encode(), JSON)  # fmt: skip
    return as_response(await forwarding.send(sent, who, idempotency_key, ctx.forwarding))


@router.post("/tickets/{ticket_id}/unlink-parent")
async def unlink(
    ticket_id: str, request: Request, ctx: Ctx, who: Who, idempotency_key: IdempotencyKey = None
) -> Response:
    """Handle the ticket on its own again."""
    await forwarding.ticket_in_scope(ticket_id, who, ctx.new_uow)
    sent = ServiceRequest("dispatch", "POST", f"/work-orders/{ticket_id}/unlink-parent",
                          await request.body() or b"{}", JSON)  # fmt: skip
    return as_response(await forwarding.send(sent, who, idempotency_key, ctx.forwarding))
