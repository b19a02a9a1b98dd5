"""What dashboards and the field app read: the read model, within the caller's tenant."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from services.gateway.app import reading
from services.gateway.domain import queries
from services.gateway.domain.callers import STAFF, require
from services.gateway.domain.queries import TicketFilter
from services.gateway.entrypoints.deps import Ctx, Tenant, Who
from services.gateway.entrypoints.filters import Paging, SavedView, ticket_filter
from services.gateway.entrypoints.schemas import EDGE_RESPONSES, Me, TicketPageView

router = APIRouter(tags=["reading"], responses=EDGE_RESPONSES)
Limit = Annotated[int, Query(ge=1, le=500)]


@router.get("/me", response_model=Me)
async def me(who: Who) -> Me:
    """Who the token says you are, and the role you act in towards the services."""
    return Me.of(who)


@router.get("/tickets/{ticket_id}")
async def get_ticket(ticket_id: str, ctx: Ctx, who: Who) -> dict[str, Any]:
    """The detail; a requester sees the tickets they submitted, without internal comments."""
    return await reading.get_ticket(ticket_id, who, ctx.new_uow)


@router.get("/tickets/{ticket_id}/history")
async def history(ticket_id: str, ctx: Ctx, who: Who) -> list[dict[str, Any]]:
    """The processing history from every service's events, in time order: status changes,
    assignments and transfers, comments and portal messages, SLA warnings and breaches."""
    ticket = await reading.get_ticket(ticket_id, who, ctx.new_uow)
    entries: list[dict[str, Any]] = ticket["history"]
    return entries


@router.get("/tickets", response_model=TicketPageView)
async def list_tickets(
    ctx: Ctx, who: Who, query: Annotated[TicketFilter, Depends(ticket_filter)], page: Paging
) -> TicketPageView:
    """Tickets of your tenant (a requester: the ones you submitted), newest first; ``q``
    searches number, subject, description and contact in any language; ``next`` is the
    cursor of the following page."""
    found = await reading.list_tickets(ctx.new_uow, queries.readable_by(query, who), page)
    return TicketPageView(items=found.items, next=found.next)


@router.get("/views/{view}", response_model=TicketPageView)
async def saved_view(
    view: SavedView, ctx: Ctx, who: Who, tenant: Tenant, page: Paging
) -> TicketPageView:
    """The to-do lists: my to-do, my watched, the dispatch-centre queue, quarantine, major
    and urgent now."""
    require(who, STAFF)
    found = await reading.list_tickets(ctx.new_uow, queries.saved_view(view, tenant, who), page)
    return TicketPageView(items=found.items, next=found.next)


@router.get("/field/jobs", tags=["field app"])
async def my_jobs(ctx: Ctx, who: Who, tenant: Tenant, limit: Limit = 100) -> list[dict[str, Any]]:
    """Open tickets assigned to you, soonest appointment first (none last)."""
    return await reading.my_jobs(ctx.new_uow, tenant, who, limit)
