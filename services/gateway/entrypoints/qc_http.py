"""Quality inspection through the gateway: the inspectors' queue of their tenant, and
claiming and submitting an inspection, forwarded to qc with the caller as the actor."""

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from services.gateway.app import forwarding
from services.gateway.app.ports import ServiceRequest
from services.gateway.domain.callers import REPORT_READERS, Role, require
from services.gateway.domain.qc_states import InspectionAction
from services.gateway.entrypoints.commands_http import JSON, IdempotencyKey, as_response
from services.gateway.entrypoints.deps import Ctx, Tenant, Who
from services.gateway.entrypoints.schemas import EDGE_RESPONSES
from shared.events.qc import InspectionState

router = APIRouter(tags=["quality inspection"], responses=EDGE_RESPONSES)
VISITORS = frozenset({Role.AGENT, Role.INSPECTOR, Role.SUPERVISOR, Role.ADMIN})


@router.get("/inspections")
async def inspections(
    ctx: Ctx, who: Who, tenant: Tenant, state: InspectionState = InspectionState.OPEN,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> Response:  # fmt: skip
    """Your tenant's inspections in ``state``, oldest closure first."""
    require(who, REPORT_READERS)
    params = {"state": state.value, "limit": str(limit)}
    sent = ServiceRequest("qc", "GET", f"/tenants/{tenant}/inspections", params=params)
    return as_response(await forwarding.send(sent, who, None, ctx.forwarding))


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
    return as_response(await forwarding.send(sent, who, idempotency_key, ctx.forwarding))


@router.get("/return-visits", tags=["return visits"])
async def call_back_list(
    ctx: Ctx, who: Who, tenant: Tenant, limit: Annotated[int, Query(ge=1, le=500)] = 100
) -> Response:
    """Return visits (回访) to call now in your tenant."""
    require(who, VISITORS)
    path = f"/tenants/{tenant}/return-visits"
    sent = ServiceRequest("qc", "GET", path, params={"limit": str(limit)})
    return as_response(await forwarding.send(sent, who, None, ctx.forwarding))


@router.post("/return-visits/{ticket_id}/calls", tags=["return visits"])
async def call(
    ticket_id: str, request: Request, ctx: Ctx, who: Who, idempotency_key: IdempotencyKey = None
) -> Response:
    """Record one return-visit call (body as qc documents it)."""
    await forwarding.ticket_in_scope(ticket_id, who, ctx.new_uow)
    body = await request.body()
    sent = ServiceRequest("qc", "POST", f"/return-visits/{ticket_id}/calls", body, JSON)
    return as_response(await forwarding.send(sent, who, idempotency_key, ctx.forwarding))


@router.post("/return-visits/{ticket_id}/follow-up", tags=["return visits"])
async def follow_up(
    ticket_id: str, request: Request, ctx: Ctx, who: Who, idempotency_key: IdempotencyKey = None
) -> Response:
    """A dissatisfied customer's follow-up ticket, linked to this one."""
    await forwarding.ticket_in_scope(ticket_id, who, ctx.new_uow)
    body = await request.body()
    sent = ServiceRequest("qc", "POST", f"/return-visits/{ticket_id}/follow-up", body, JSON)
    return as_response(await forwarding.send(sent, who, idempotency_key, ctx.forwarding))
