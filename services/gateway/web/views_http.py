"""The back office's saved views as pages (my to-do, the dispatch-centre queue, quarantine
with its Release, …), the exports of the queue and of each view, and the outage clusters
with their member tickets and the parent incident a dispatcher links.

Like every page, everything goes through the gateway's app layer with the signed-in caller:
the same views, role checks, tenant scope and forwarding as the API.
"""

import json
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse, StreamingResponse
from jinja2 import Environment

from services.gateway.app import forwarding, quarantine, reading
from services.gateway.app.ports import ServiceRequest
from services.gateway.domain import queries
from services.gateway.domain.callers import STAFF, Role, require
from services.gateway.domain.exports import EXPORT_LIMIT, ticket_cells, ticket_headings
from services.gateway.domain.queries import Page, TicketFilter
from services.gateway.entrypoints.report_formats import csv_stream, xlsx_table
from services.gateway.entrypoints.reports_http import XLSX
from services.gateway.web import session
from services.gateway.web.listing import (
    FORM_CHOICES,
    PAGE_SIZE,
    VIEWS,
    ListForm,
    ViewPage,
    list_links,
    read_form,
    readable_views,
)
from services.gateway.web.pages_http import banner_items, form_text, refusal_reason
from services.gateway.web.render import page
from services.gateway.web.visits import PageRoute, Visit, Visitor
from shared.errors import Conflict, Forbidden, InvalidFields, NotFound

router = APIRouter(include_in_schema=False, route_class=PageRoute)
CLUSTERS = 100
RELEASE_ROW = "_release.html"
# The rows' columns dispatch's queues may lack (their items are work orders, not views).
ROW_COLUMNS = dict.fromkeys(("priority", "severity", "assignee", "overdue", "registered_at"))


def install(templates: Environment) -> None:
    """The navigation's views for the caller (base.html), by the API's role checks."""
    templates.globals["view_links"] = readable_views


@dataclass(frozen=True)
class Listed:
    items: list[dict[str, Any]]
    next: str | None = None
    problem: str = ""  # why nothing was looked for, or what the service said


def _view(v: Visit, name: str) -> ViewPage:
    view = VIEWS.get(name)
    if view is None:
        raise NotFound(f"no view {name}")
    require(v.caller, view.readers)  # the API's 403, as a page
    return view


async def _listed(v: Visit, view: ViewPage, form: ListForm) -> Listed:
    if not view.read_model:
        return await _dispatch_queue(v, view)
    try:
        query = queries.saved_view(view.name, form.ticket_filter(v.tenant), v.caller)
    except InvalidFields as error:
        return Listed([], problem=error.message)
    found = await reading.list_tickets(v.ctx.new_uow, query, form.page())
    return Listed(found.items, found.next)


async def _dispatch_queue(v: Visit, view: ViewPage) -> Listed:
    """One of dispatch's own queues (approvals, extensions, tracked), as it answers it."""
    params = {"limit": str(PAGE_SIZE)}
    sent = ServiceRequest("dispatch", "GET", f"/tenants/{v.tenant}/{view.name}", params=params)
    reply = await forwarding.send(sent, v.caller, None, v.ctx.forwarding)
    if reply.status != 200:
        return Listed([], problem=refusal_reason(reply.body))
    found = json.loads(reply.body)
    items = found.get("extensions", []) if isinstance(found, dict) else found
    return Listed([ROW_COLUMNS | i for i in items] if isinstance(items, list) else [])


def _row_values(v: Visit, view: ViewPage, listed: Listed) -> dict[str, Any]:
    """The rows, and the Release form on each quarantined one for those who may."""
    releasers = quarantine.RELEASERS | {Role.PLATFORM_ADMIN}
    releases = view.name == "quarantine" and bool(v.caller.roles & releasers)
    return v.values(
        items=listed.items, row_action=RELEASE_ROW if releases else None,
        form_key=secrets.token_urlsafe(16),
    )  # fmt: skip


async def _view_page(
    request: Request, v: Visit, view: ViewPage, status_code: int = 200, **extra: Any
) -> Response:
    form = read_form(request.query_params) if view.read_model else ListForm()
    listed = await _listed(v, view, form)
    values = _row_values(v, view, listed) | dict(
        view=view, form=form, problem=listed.problem, banner=await banner_items(v),
        links=list_links(f"/ui/views/{view.name}", form, listed.next), **FORM_CHOICES, **extra,
    )  # fmt: skip
    return page(v.web.templates, request, "views.html", v.lang, values, status_code)


@router.get("/ui/views/{name}")
async def view_page(request: Request, v: Visitor, name: str, released: str = "") -> Response:
    return await _view_page(request, v, _view(v, name), released=released[:64])


@router.get("/ui/views/{name}/rows")
async def view_rows(request: Request, v: Visitor, name: str) -> Response:
    """The view's rows again, as the live feed says a ticket changed."""
    view = _view(v, name)
    form = read_form(request.query_params) if view.read_model else ListForm()
    values = _row_values(v, view, await _listed(v, view, form))
    return page(v.web.templates, request, "_rows.html", v.lang, values)


@router.get("/ui/views/{name}/export")
async def view_export(request: Request, v: Visitor, name: str, format: str = "csv") -> Response:
    view = _view(v, name)
    if not view.read_model:
        raise NotFound(f"the view {name} is not exported")
    query = queries.saved_view(
        name, read_form(request.query_params).ticket_filter(v.tenant), v.caller
    )
    return await _export(v, query, format, f"tickets-{name}")


@router.get("/ui/queue/export")
async def queue_export(request: Request, v: Visitor, format: str = "csv") -> Response:
    """The live queue's current filter, every ticket it finds (not only the page shown)."""
    require(v.caller, STAFF)
    found = read_form(request.query_params).ticket_filter(v.tenant)
    return await _export(v, queries.readable_by(found, v.caller), format, "tickets")


async def _export(v: Visit, query: TicketFilter, format: str, name: str) -> Response:
    """As the API's ``format=csv|xlsx``: newest first, at most ``EXPORT_LIMIT`` tickets, the
    headings in the page's language."""
    if format not in ("csv", "xlsx"):
        raise InvalidFields({"format": "is csv or xlsx"})
    tickets = reading.all_tickets(v.ctx.new_uow, query, Page(200), EXPORT_LIMIT)
    header = ticket_headings(v.lang.tag)
    disposition = {"Content-Disposition": f'attachment; filename="{name}.{format}"'}
    if format == "csv":
        return StreamingResponse(
            csv_stream(header, _cells(tickets)), media_type="text/csv; charset=utf-8",
            headers=disposition,
        )  # fmt: skip
    table = xlsx_table(name, header, [cells async for cells in _cells(tickets)])
    return Response(table, media_type=XLSX, headers=disposition)


async def _cells(tickets: AsyncIterator[dict[str, Any]]) -> AsyncIterator[list[Any]]:
    async for ticket in tickets:
        yield ticket_cells(ticket)


@router.post("/ui/tickets/{ticket_id}/release")
async def release(request: Request, v: Visitor, ticket_id: str) -> Response:
    """Vouch for a quarantined ticket's contact: released → the quarantine page saying so
    (the row leaves as the release arrives); refused → the page with the refusal."""
    form = await request.form()
    session.check_csrf(v.signed.session, form_text(form.get("csrf")))
    number = (await reading.readable_view(ticket_id, v.caller, v.ctx.new_uow)).get("number")
    key = form_text(form.get("form_key")) or None
    try:
        reply = await quarantine.release(ticket_id, v.caller, v.ctx.new_uow, v.ctx.forwarding, key)
    except (Conflict, Forbidden, InvalidFields) as error:
        return await _refused_release(
            request, v, ticket_id, number, error.status_code, error.message
        )
    if reply.status < 300:
        return RedirectResponse(f"/ui/views/quarantine?released={number}", status_code=303)
    return await _refused_release(
        request, v, ticket_id, number, reply.status, refusal_reason(reply.body)
    )


async def _refused_release(
    request: Request, v: Visit, ticket_id: str, number: Any, status: int, message: str
) -> Response:
    refusal = {"ticket_id": ticket_id, "number": number, "status": status, "message": message}
    view = _view(v, "quarantine")
    return await _view_page(request, v, view, status, refusal=refusal)


@dataclass
class ClusterRow:
    """A cluster as dispatch lists it, with its tickets from the read model."""

    cluster: dict[str, Any]
    tickets: list[dict[str, Any]] = field(default_factory=list)
    parent: dict[str, Any] | None = None


async def _ticket_or_none(v: Visit, ticket_id: str | None) -> dict[str, Any] | None:
    """A ticket the read model has (a member not projected yet is left out for now)."""
    if not ticket_id:
        return None
    try:
        return await reading.readable_view(ticket_id, v.caller, v.ctx.new_uow)
    except NotFound:
        return None


async def _clusters(v: Visit) -> tuple[list[ClusterRow], str]:
    require(v.caller, STAFF)
    params = {"open": "true", "limit": str(CLUSTERS)}
    sent = ServiceRequest("dispatch", "GET", f"/tenants/{v.tenant}/clusters", params=params)
    reply = await forwarding.send(sent, v.caller, None, v.ctx.forwarding)
    if reply.status != 200:
        return [], refusal_reason(reply.body)
    rows = []
    for cluster in json.loads(reply.body):
        found = [await _ticket_or_none(v, t) for t in cluster.get("members", [])]
        parent = await _ticket_or_none(v, cluster.get("parent_id"))
        rows.append(ClusterRow(cluster, [t for t in found if t is not None], parent))
    return rows, ""


async def _clusters_page(
    request: Request, v: Visit, status_code: int = 200, **extra: Any
) -> Response:
    rows, problem = await _clusters(v)
    values = v.values(
        clusters=rows, problem=problem, form_key=secrets.token_urlsafe(16),
        banner=await banner_items(v), **extra,
    )  # fmt: skip
    return page(v.web.templates, request, "clusters.html", v.lang, values, status_code)


@router.get("/ui/clusters")
async def clusters_page(request: Request, v: Visitor, linked: str = "") -> Response:
    return await _clusters_page(request, v, linked=linked[:64])


@router.get("/ui/clusters/list")
async def clusters_list(request: Request, v: Visitor) -> Response:
    """The clusters again, as the live feed says a ticket changed (one may have joined)."""
    rows, problem = await _clusters(v)
    values = v.values(clusters=rows, problem=problem, form_key=secrets.token_urlsafe(16))
    return page(v.web.templates, request, "_clusters.html", v.lang, values)


async def _ticket_numbered(v: Visit, number: str) -> str:
    """The id of the caller's tenant's ticket with this number."""
    if not number:
        raise InvalidFields({"number": "names the parent ticket"})
    query = queries.readable_by(TicketFilter(v.tenant, number=number), v.caller)
    found = await reading.list_tickets(v.ctx.new_uow, query, Page(1))
    if not found.items:
        raise InvalidFields({"number": f"no ticket {number} here"})
    ticket_id: str = found.items[0]["ticket_id"]
    return ticket_id


@router.post("/ui/clusters/{cluster_id}/parent")
async def link_parent(request: Request, v: Visitor, cluster_id: str) -> Response:
    """Make a ticket (by its number) the cluster's parent incident, as the API does."""
    form = await request.form()
    session.check_csrf(v.signed.session, form_text(form.get("csrf")))
    number = form_text(form.get("number")).strip()[:64]
    try:
        parent = await _ticket_numbered(v, number.rstrip("*"))
    except InvalidFields as error:
        return await _refused_link(request, v, cluster_id, 422, error.message)
    body = json.dumps({"ticket_id": parent}).encode()
    sent = ServiceRequest("dispatch", "POST", f"/clusters/{cluster_id}/parent", body,
                          "application/json")  # fmt: skip
    key = form_text(form.get("form_key")) or None
    reply = await forwarding.send(sent, v.caller, key, v.ctx.forwarding)
    if reply.status < 300:
        return RedirectResponse(f"/ui/clusters?linked={number}", status_code=303)
    return await _refused_link(request, v, cluster_id, reply.status, refusal_reason(reply.body))


async def _refused_link(
    request: Request, v: Visit, cluster_id: str, status: int, message: str
) -> Response:
    refusal = {"cluster_id": cluster_id, "status": status, "message": message}
    return await _clusters_page(request, v, status, refusal=refusal)
