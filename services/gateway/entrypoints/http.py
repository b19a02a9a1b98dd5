"""What dashboards and the field app read: the read model, within the caller's tenant."""

from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import Response, StreamingResponse

from services.gateway.app import reading
from services.gateway.domain import queries
from services.gateway.domain.callers import STAFF, require
from services.gateway.domain.exports import EXPORT_LIMIT, ticket_cells, ticket_headings
from services.gateway.domain.queries import Page, TicketFilter
from services.gateway.entrypoints.deps import Ctx, Tenant, Who
from services.gateway.entrypoints.filters import Paging, SavedView, ticket_filter
from services.gateway.entrypoints.report_formats import csv_stream, xlsx_table
from services.gateway.entrypoints.reports_http import XLSX, Format, Language
from services.gateway.entrypoints.schemas import (
    EDGE_RESPONSES,
    CustomerTicketsView,
    Me,
    TicketPageView,
)

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


EXPORTS: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {}, XLSX: {}},
          "description": "A page of the view; with format=csv|xlsx every ticket it finds"},
}  # fmt: skip


@router.get("/views/{view}", response_model=TicketPageView, responses=EXPORTS)
async def saved_view(
    view: SavedView, ctx: Ctx, who: Who, page: Paging,
    query: Annotated[TicketFilter, Depends(ticket_filter)],
    format: Format = Format.JSON, lang: Language = Language.EN,
) -> Any:  # fmt: skip
    """The back office's views: my to-do, my group (the token's groups), my done (tickets
    you handled that moved on), my watched, the dispatch-centre queue, quarantine, major
    and urgent now, in flight in my region (the token's region), history (closed and
    canceled). The list filters narrow each one; ``format=csv|xlsx`` exports every ticket
    the view finds (newest first, at most 10,000) instead of a page."""
    require(who, STAFF)
    found = queries.saved_view(view, query, who)
    if format is Format.JSON:
        listed = await reading.list_tickets(ctx.new_uow, found, page)
        return TicketPageView(items=listed.items, next=listed.next)
    return await _export(ctx, found, page, format, lang, name=f"tickets-{view.value}")


async def _export(
    ctx: Ctx, query: TicketFilter, page: Page, format: Format, lang: Language, name: str
) -> Response:
    rows = _rows(reading.all_tickets(ctx.new_uow, query, replace(page, limit=200), EXPORT_LIMIT))
    header = ticket_headings(lang.value)
    if format is Format.CSV:
        return StreamingResponse(
            csv_stream(header, rows), media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
        )  # fmt: skip
    table = xlsx_table(name, header, [cells async for cells in rows])
    return Response(
        table, media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'},
    )  # fmt: skip


async def _rows(tickets: AsyncIterator[dict[str, Any]]) -> AsyncIterator[list[Any]]:
    async for ticket in tickets:
        yield ticket_cells(ticket)


CustomerNumber = Annotated[
    str, Path(min_length=1, max_length=254,
              description="A phone (+country code …), e-mail, contact id or account number"),
]  # fmt: skip


@router.get("/customers/{number}/tickets", response_model=CustomerTicketsView)
async def customer_tickets(
    number: CustomerNumber, ctx: Ctx, who: Who, tenant: Tenant,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> CustomerTicketsView:  # fmt: skip
    """客户历史: the tickets of the customer a number names, in your tenant — in flight (在途单:
    not closed or canceled) and history (历史工单), newest first, of their newest ``limit``
    tickets; ``truncated`` when they have more. A phone is matched in E.164 as intake
    keeps it (``+86 139-0000-0000`` finds ``+8613900000000``)."""
    require(who, STAFF)
    found = await reading.customer_tickets(ctx.new_uow, tenant, number, limit)
    return CustomerTicketsView(
        in_flight=found.in_flight, history=found.history, truncated=found.truncated
    )


@router.get("/field/jobs", tags=["field app"])
async def my_jobs(ctx: Ctx, who: Who, tenant: Tenant, limit: Limit = 100) -> list[dict[str, Any]]:
    """Open tickets assigned to you, soonest appointment first (none last)."""
    return await reading.my_jobs(ctx.new_uow, tenant, who, limit)
