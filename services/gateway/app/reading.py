"""Gateway queries, answered from the read model within the caller's tenant."""

from dataclasses import dataclass, replace
from typing import Any

from services.gateway.app.ports import NewUnitOfWork, Reports
from services.gateway.domain.callers import Caller, can_read, is_staff
from services.gateway.domain.projection import detail
from services.gateway.domain.queries import Page, TicketFilter
from services.gateway.domain.reports import ReportRequest, report_row
from shared.errors import NotFound


async def readable_view(ticket_id: str, caller: Caller, new_uow: NewUnitOfWork) -> dict[str, Any]:
    """The ticket's view if the caller may read it (their tenant's; a requester's own); any
    other ticket is a 404 like one that does not exist."""
    async with new_uow() as uow:
        view = await uow.views.get(ticket_id)
    if view is None or not can_read(caller, view):
        raise NotFound(f"ticket {ticket_id} not found")
    return view


async def get_ticket(ticket_id: str, caller: Caller, new_uow: NewUnitOfWork) -> dict[str, Any]:
    return detail(await readable_view(ticket_id, caller, new_uow), internal=is_staff(caller))


@dataclass(frozen=True)
class TicketPage:
    items: list[dict[str, Any]]
    next: str | None


async def list_tickets(new_uow: NewUnitOfWork, query: TicketFilter, page: Page) -> TicketPage:
    """One page of the tickets ``query`` finds; ``next`` continues after it (``None``: the
    last page)."""
    async with new_uow() as uow:
        found = await uow.views.search(query, replace(page, limit=page.limit + 1), uow.now())
    items = found[: page.limit]
    cursor = items[-1].get("list_key") if len(found) > page.limit else None
    for item in items:
        item.pop("list_key", None)
    return TicketPage(items, cursor)


async def my_jobs(
    new_uow: NewUnitOfWork, tenant_id: str, caller: Caller, limit: int
) -> list[dict[str, Any]]:
    async with new_uow() as uow:
        return await uow.views.jobs(tenant_id, caller.username, limit)


@dataclass(frozen=True)
class TicketReport:
    request: ReportRequest
    rows: list[dict[str, Any]]
    total: dict[str, Any]


async def ticket_report(request: ReportRequest, reports: Reports) -> TicketReport:
    groups, total = await reports.ticket_groups(request)
    return TicketReport(request, [report_row(g) for g in groups], report_row(total))
