"""Responsibility judgement (判责) and appeals (申诉) through the gateway: a complaint of the
caller's tenant is judged, appealed and decided in qc with the caller as the actor; the
reviewers' queue and the appeal template library are their tenant's."""

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response

from services.gateway.app import forwarding
from services.gateway.app.ports import ServiceRequest
from services.gateway.domain.callers import REPORT_READERS, STAFF, require
from services.gateway.entrypoints.commands_http import JSON, IdempotencyKey, as_response
from services.gateway.entrypoints.deps import Ctx, Tenant, Who
from services.gateway.entrypoints.schemas import EDGE_RESPONSES

router = APIRouter(tags=["judgements and appeals"], responses=EDGE_RESPONSES)
Step = Literal["judgement", "appeal", "appeal/decision"]
Slug = Annotated[str, Query(min_length=1, max_length=100, pattern=r"^[a-z0-9_.-]+$")]


@router.post("/complaints/{ticket_id}/{step:path}")
async def act(
    ticket_id: str, step: Step, request: Request, ctx: Ctx, who: Who,
    idempotency_key: IdempotencyKey = None,
) -> Response:  # fmt: skip
    """``judgement`` (supervisor), ``appeal`` (a member of the judged unit),
    ``appeal/decision`` (reviewer): bodies as qc documents them."""
    await forwarding.ticket_in_scope(ticket_id, who, ctx.new_uow)
    sent = ServiceRequest("qc", "POST", f"/complaints/{ticket_id}/{step}",
                          await request.body(), JSON)  # fmt: skip
    return as_response(await forwarding.send(sent, who, idempotency_key, ctx.forwarding))


@router.get("/complaints/{ticket_id}/judgement")
async def judgement(ticket_id: str, ctx: Ctx, who: Who) -> Response:
    await forwarding.ticket_in_scope(ticket_id, who, ctx.new_uow)
    sent = ServiceRequest("qc", "GET", f"/complaints/{ticket_id}/judgement")
    return as_response(await forwarding.send(sent, who, None, ctx.forwarding))


@router.get("/judgements")
async def judged(
    ctx: Ctx, who: Who, tenant: Tenant, state: Slug = "appealed",
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> Response:  # fmt: skip
    """Your tenant's complaints whose judgement is in ``state`` (the reviewers' queue)."""
    require(who, REPORT_READERS)
    params = {"state": state, "limit": str(limit)}
    sent = ServiceRequest("qc", "GET", f"/tenants/{tenant}/judgements", params=params)
    return as_response(await forwarding.send(sent, who, None, ctx.forwarding))


@router.get("/appeal-templates")
async def templates(
    ctx: Ctx, who: Who, tenant: Tenant, category: Slug | None = None,
    language: Literal["zh-CN", "ru", "en"] = "zh-CN",
) -> Response:  # fmt: skip
    """The reasons your tenant's appellants pick from."""
    require(who, STAFF)
    params = {"language": language} | ({"category": category} if category else {})
    sent = ServiceRequest("qc", "GET", f"/tenants/{tenant}/appeal-templates", params=params)
    return as_response(await forwarding.send(sent, who, None, ctx.forwarding))
