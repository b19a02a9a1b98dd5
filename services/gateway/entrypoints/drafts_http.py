"""Drafts (存盘) through the gateway: a signed-in agent's unregistered submissions, kept by
intake, in their own tenant only (a draft of the same username in another tenant is not
theirs: 404)."""

import json
from typing import Annotated

from fastapi import APIRouter, Path, Request, Response

from services.gateway.app import forwarding
from services.gateway.app.ports import ServiceRequest
from services.gateway.domain.callers import REGISTRARS, Caller, require
from services.gateway.entrypoints.commands_http import JSON, IdempotencyKey, as_response, in_tenant
from services.gateway.entrypoints.deps import Ctx, Tenant, Who
from services.gateway.entrypoints.schemas import EDGE_RESPONSES
from shared.errors import NotFound

router = APIRouter(tags=["drafts"], responses=EDGE_RESPONSES)
DraftId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]


async def _send(ctx: Ctx, who: Caller, sent: ServiceRequest, key: str | None = None) -> Response:
    return as_response(await forwarding.send(sent, who, key, ctx.forwarding))


async def _in_scope(ctx: Ctx, who: Caller, tenant: str, draft_id: str) -> None:
    require(who, REGISTRARS)
    reply = await forwarding.send(
        ServiceRequest("intake", "GET", f"/drafts/{draft_id}"), who, None, ctx.forwarding
    )
    if reply.status == 200 and json.loads(reply.body).get("tenant_id") != tenant:
        raise NotFound(f"no draft {draft_id}")


@router.post("/drafts", status_code=201)
async def save(request: Request, ctx: Ctx, who: Who, tenant: Tenant) -> Response:
    """Save a submission unfinished (any of its fields), in your tenant."""
    require(who, REGISTRARS)
    body = in_tenant(await request.body(), tenant)
    return await _send(ctx, who, ServiceRequest("intake", "POST", "/drafts", body, JSON))


@router.get("/drafts")
async def mine(ctx: Ctx, who: Who, tenant: Tenant) -> Response:
    """My drafts, last changed first."""
    require(who, REGISTRARS)
    return await _send(ctx, who, ServiceRequest("intake", "GET", f"/tenants/{tenant}/drafts"))


@router.get("/drafts/{draft_id}")
async def get(draft_id: DraftId, ctx: Ctx, who: Who, tenant: Tenant) -> Response:
    await _in_scope(ctx, who, tenant, draft_id)
    return await _send(ctx, who, ServiceRequest("intake", "GET", f"/drafts/{draft_id}"))


@router.put("/drafts/{draft_id}")
async def update(
    draft_id: DraftId, request: Request, ctx: Ctx, who: Who, tenant: Tenant
) -> Response:
    await _in_scope(ctx, who, tenant, draft_id)
    body = in_tenant(await request.body(), tenant)
    return await _send(ctx, who, ServiceRequest("intake", "PUT", f"/drafts/{draft_id}", body, JSON))


@router.delete("/drafts/{draft_id}", status_code=204)
async def discard(draft_id: DraftId, ctx: Ctx, who: Who, tenant: Tenant) -> Response:
    await _in_scope(ctx, who, tenant, draft_id)
    return await _send(ctx, who, ServiceRequest("intake", "DELETE", f"/drafts/{draft_id}"))


@router.post("/drafts/{draft_id}/submit")
async def submit(
    draft_id: DraftId, ctx: Ctx, who: Who, tenant: Tenant, idempotency_key: IdempotencyKey = None
) -> Response:
    """Register the draft as a ticket (422 naming what is still missing); submitting it
    again answers the same ticket."""
    await _in_scope(ctx, who, tenant, draft_id)
    sent = ServiceRequest("intake", "POST", f"/drafts/{draft_id}/submit")
    return await _send(ctx, who, sent, idempotency_key)
