"""What dashboards and the field app read: the read model, within the caller's tenant."""

from typing import Annotated, Any

from fastapi import APIRouter, Query

from services.gateway.app import reading
from services.gateway.domain.callers import STAFF, require
from services.gateway.entrypoints.deps import Ctx, Tenant, Who
from services.gateway.entrypoints.schemas import EDGE_RESPONSES, Me
from shared.events.vocabulary import TicketStatus

router = APIRouter(tags=["reading"], responses=EDGE_RESPONSES)
Limit = Annotated[int, Query(ge=1, le=500)]


@router.get("/me", response_model=Me)
async def me(who: Who) -> Me:
    """Who the token says you are, and the role you act in towards the services."""
    return Me.of(who)


@router.get("/tickets/{ticket_id}")
async def get_ticket(ticket_id: str, ctx: Ctx, who: Who) -> dict[str, Any]:
    require(who, STAFF)
    return await reading.get_ticket(ticket_id, who, ctx.new_uow)


@router.get("/tickets")
async def list_tickets(
    ctx: Ctx, who: Who, tenant: Tenant, status: TicketStatus | None = None, limit: Limit = 50
) -> list[dict[str, Any]]:
    require(who, STAFF)
    status_value = status.value if status else None
    return await reading.list_tickets(ctx.new_uow, tenant, status_value, limit)


@router.get("/field/jobs", tags=["field app"])
async def my_jobs(ctx: Ctx, who: Who, tenant: Tenant, limit: Limit = 100) -> list[dict[str, Any]]:
    """Open tickets assigned to you, soonest appointment first (none last)."""
    return await reading.my_jobs(ctx.new_uow, tenant, who, limit)
