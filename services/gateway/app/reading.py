"""Gateway queries, answered from the read model within the caller's tenant."""

from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from typing import Any

from services.gateway.app.ports import NewUnitOfWork, Reports
from services.gateway.domain.callers import Caller, can_read, is_staff
from services.gateway.domain.projection import ARCHIVED_STATUSES, customer_key, detail
from services.gateway.domain.queries import Page, TicketFilter
from services.gateway.domain.reports import ReportRequest, report_row
from shared.errors import InvalidFields, NotFound


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


async def all_tickets(
    new_uow: NewUnitOfWork, query: TicketFilter, page: Page, at_most: int
) -> AsyncIterator[dict[str, Any]]:
    """Every ticket ``query`` finds from ``page`` on, page after page, at most ``at_most``
    (an export of a list's current filter)."""
    left = at_most
    while left > 0:
        found = await list_tickets(new_uow, query, replace(page, limit=min(page.limit, left)))
        for item in found.items:
            yield item
        left -= len(found.items)
        if found.next is None:
            return
        page = replace(page, after=found.next)


@dataclass(frozen=True)
class CustomerTickets:
    """客户历史: a customer's tickets in flight (在途单) and archived (历史工单), newest first;
    ``truncated`` when they have more than were looked at."""

    in_flight: list[dict[str, Any]]
    history: list[dict[str, Any]]
    truncated: bool


async def customer_tickets(
    new_uow: NewUnitOfWork, tenant_id: str, number: str, limit: int
) -> CustomerTickets:
    """The tickets of the customer a typed number names: their phone (normalised to
    E.164 as intake does), e-mail, contact id or account / service number."""
    key = customer_key(number)
    if not key:
        raise InvalidFields({"number": "is empty"})
    async with new_uow() as uow:
        found = await uow.views.of_customer(tenant_id, key, limit + 1)
    shown = found[:limit]
    archived = [t for t in shown if t.get("status") in ARCHIVED_STATUSES]
    in_flight = [t for t in shown if t.get("status") not in ARCHIVED_STATUSES]
    return CustomerTickets(in_flight, archived, truncated=len(found) > limit)


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
