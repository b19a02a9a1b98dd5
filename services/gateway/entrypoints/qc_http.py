"""Quality inspection through the gateway: the inspectors' queue of their tenant, and
claiming and submitting an inspection, forwarded to qc with the caller as the actor."""

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from services.gateway.app import forwarding
from services.gateway.app.ports import ServiceRequest
from services.gateway.domain.callers import REPORT_READERS, require
from services.gateway.domain.qc_states import InspectionAction, InspectionState
from services.gateway.entrypoints.commands_http import JSON, IdempotencyKey
from services.gateway.entrypoints.deps import Ctx, Tenant, Who
from services.gateway.entrypoints.schemas import EDGE_RESPONSES

router = APIRouter(tags=["quality inspection"], responses=EDGE_RESPONSES)


@router.get("/inspections")
async def inspections(
    ctx: Ctx, who: Who, tenant: Tenant, state: InspectionState = InspectionState.OPEN,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> Response:  # fmt: skip
    """Your tenant's inspections in ``state``, oldest closure first."""
    require(who, REPORT_READERS)
    params = {"state": state.value, "limit": str(limit)}
    sent = ServiceRequest("qc", "GET", f"/tenants/{tenant}/inspections", params=params)
    return _response(await forwarding.send(sent, who, None, ctx.forwarding))


@router.post("/inspections/{ticket_id}/{action}")
async def inspect(
    ticket_id: str, action: InspectionAction, request: Request, ctx: Ctx, who: Who,
    idempotency_key: IdempotencyKey = None,
) -> Response:  # fmt: skip
    """``claim`` an inspection, or ``submit`` it (qc documents the verdict's body)."""
    await forwarding.ticket_in_scope(ticket_id, who, ctx.new_uow)
    body = await request.body()
    path = f"/inspections/{ticket_id}/{action.value}"
    sent = ServiceRequest("qc", "POST", path, body, JSON if body else "")
    return _response(await forwarding.send(sent, who, idempotency_key, ctx.forwarding))


def _response(reply: forwarding.StoredReply) -> Response:
    return Response(reply.body, status_code=reply.status, media_type=reply.content_type)
