"""The back office's queues kept by dispatch, through the gateway for the signed-in caller:
the approvers' queue (审批), extension requests (延期) and my tracked tickets (跟踪工单)."""

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from services.gateway.app import forwarding
from services.gateway.app.ports import ServiceRequest
from services.gateway.domain.callers import REPORT_READERS, STAFF, require
from services.gateway.entrypoints.commands_http import as_response
from services.gateway.entrypoints.deps import Ctx, Tenant, Who
from services.gateway.entrypoints.schemas import EDGE_RESPONSES

router = APIRouter(tags=["back-office queues"], responses=EDGE_RESPONSES)
Limit = Annotated[int, Query(ge=1, le=500)]
ExtensionState = Literal["pending", "approved", "rejected", "withdrawn"]


async def _get(ctx: Ctx, who: Who, path: str, params: dict[str, str]) -> Response:
    sent = ServiceRequest("dispatch", "GET", path, params=params)
    return as_response(await forwarding.send(sent, who, None, ctx.forwarding))


@router.get("/approvals")
async def approvals(ctx: Ctx, who: Who, tenant: Tenant, limit: Limit = 100) -> Response:
    """Tickets waiting at an approval step you may decide (never your own proposals)."""
    require(who, STAFF)
    return await _get(ctx, who, f"/tenants/{tenant}/approvals", {"limit": str(limit)})


@router.get("/extensions")
async def extensions(
    ctx: Ctx, who: Who, tenant: Tenant, state: ExtensionState | None = None,
    limit: Limit = 500,
) -> Response:  # fmt: skip
    """延期 monitoring: your tenant's extension requests in ``state`` (pending and approved
    by default) with a count per state."""
    require(who, REPORT_READERS)
    params = {"limit": str(limit)} | ({"state": state} if state else {})
    return await _get(ctx, who, f"/tenants/{tenant}/extensions", params)


@router.get("/views/tracked")
async def tracked(
    ctx: Ctx, who: Who, tenant: Tenant, due_by: date | None = None, limit: Limit = 100
) -> Response:
    """Your tracked tickets (跟踪工单) dated ``due_by`` (default today) or earlier."""
    require(who, STAFF)
    params = {"limit": str(limit)} | ({"due_by": due_by.isoformat()} if due_by else {})
    return await _get(ctx, who, f"/tenants/{tenant}/tracked", params)
