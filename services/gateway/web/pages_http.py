"""The dashboard's pages: the live queue, a ticket with its history and actions, the
major/urgent banner, and the live feed that refreshes them (htmx's SSE extension).

Everything is read and done through the gateway's app layer with the signed-in caller —
the same tenant scope, roles and forwarding as the API, never a call to the gateway itself.
"""

import json
import secrets
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Header, Request, Response
from fastapi.responses import RedirectResponse
from fastapi.sse import EventSourceResponse, ServerSentEvent

from services.gateway.app import forwarding, reading
from services.gateway.app.ports import ServiceRequest
from services.gateway.domain import queries
from services.gateway.domain.callers import STAFF, can_read, require
from services.gateway.domain.projection import feed_event
from services.gateway.domain.queries import Page, TicketFilter
from services.gateway.web import session, ticket_panels
from services.gateway.web.actions import ACTIONS, Action, body_for, offered, path_for, situation
from services.gateway.web.listing import FORM_CHOICES, ListForm, list_links, read_form
from services.gateway.web.render import page
from services.gateway.web.visits import PageRoute, Visit, Visitor
from shared.errors import InvalidFields, NotFound, RequestError
from shared.events.vocabulary import Severity, TicketStatus

router = APIRouter(include_in_schema=False, route_class=PageRoute)
RECONNECT_MS = 2000
# The banner: a major or urgent ticket nobody has accepted yet.
UNACCEPTED = (TicketStatus.NEW.value, TicketStatus.ASSIGNED.value)


@router.get("/")
async def home(v: Visitor) -> Response:
    return RedirectResponse("/ui/queue" if v.staff else "/ui/portal", status_code=303)


def _queue_filter(v: Visit, form: ListForm) -> TicketFilter:
    return queries.readable_by(form.ticket_filter(v.tenant), v.caller)


async def _rows(v: Visit, form: ListForm) -> tuple[list[dict[str, Any]], str | None, str]:
    """A page of the queue, the cursor of the next one, and why nothing was looked for."""
    try:
        query = _queue_filter(v, form)
    except InvalidFields as error:
        return [], None, error.message
    found = await reading.list_tickets(v.ctx.new_uow, query, form.page())
    return found.items, found.next, ""


@router.get("/ui/queue")
async def queue(request: Request, v: Visitor) -> Response:
    if not v.staff:  # a requester's place is the portal
        return RedirectResponse("/ui/portal", status_code=303)
    form = read_form(request.query_params)
    items, next_page, problem = await _rows(v, form)
    values = v.values(
        items=items, form=form, problem=problem, banner=await banner_items(v), base="/ui/queue",
        links=list_links("/ui/queue", form, next_page), **FORM_CHOICES,
    )  # fmt: skip
    return page(v.web.templates, request, "queue.html", v.lang, values)


@router.get("/ui/queue/rows")
async def queue_rows(request: Request, v: Visitor) -> Response:
    require(v.caller, STAFF)
    items, _next, _problem = await _rows(v, read_form(request.query_params))
    return page(v.web.templates, request, "_rows.html", v.lang, v.values(items=items))


async def banner_items(v: Visit) -> list[dict[str, Any]]:
    if not v.staff:
        return []
    query = TicketFilter(
        v.tenant, statuses=UNACCEPTED, severities=(Severity.MAJOR.value, Severity.URGENT.value)
    )
    return (await reading.list_tickets(v.ctx.new_uow, query, Page(20))).items


@router.get("/ui/banner")
async def banner(request: Request, v: Visitor) -> Response:
    values = v.values(banner=await banner_items(v))
    return page(v.web.templates, request, "_banner.html", v.lang, values)


@router.get("/ui/events", response_class=EventSourceResponse)
async def events(
    v: Visitor,
    last_event_id: Annotated[str | None, Header(min_length=1, max_length=1000)] = None,
) -> AsyncIterator[ServerSentEvent]:
    """The live feed, as the triggers the pages refresh on: ``ticket`` (one changed, or the
    stream just opened: what the page shows may be older) and ``major-incident``; the data
    is the ticket's id. Staff hear of their tenant's tickets, a requester of their own."""
    async for change in v.web.feed.follow(v.tenant, last_event_id):
        if change.view is None:
            yield ServerSentEvent(event="ticket", data="", retry=RECONNECT_MS)
        elif can_read(v.caller, change.view):
            name, data = feed_event(change.view)
            event_id, ticket = change.event_id, data.get("ticket_id") or ""
            yield ServerSentEvent(id=event_id, event=name, data=ticket, retry=RECONNECT_MS)


async def _work_order(v: Visit, ticket_id: str) -> dict[str, Any]:
    """Dispatch's view of the ticket (``allowed_commands``); empty when it cannot say."""
    request = ServiceRequest("dispatch", "GET", f"/work-orders/{ticket_id}")
    try:
        reply = await forwarding.send(request, v.caller, None, v.ctx.forwarding)
    except RequestError:
        return {}
    found = json.loads(reply.body) if reply.status == 200 else {}
    return found if isinstance(found, dict) else {}


async def _ticket_values(v: Visit, ticket_id: str, **extra: Any) -> dict[str, Any]:
    ticket = await reading.get_ticket(ticket_id, v.caller, v.ctx.new_uow)
    order = await _work_order(v, ticket_id)
    # What the visitor's role may run now; a dispatch that does not say gives the status's.
    mine = order.get("allowed_for_caller")
    allowed = list(order.get("allowed_commands") or [] if mine is None else mine)
    refused = extra.get("refusal")
    shown = refused["form"] if refused is not None else None  # its refusal, allowed or not
    actions = offered(allowed, situation(v.staff, v.caller.username, ticket, order), shown)
    return v.values(
        ticket=ticket, actions=actions, form_key=secrets.token_urlsafe(16), zone=v.lang.zone.key,
        banner=await banner_items(v), panels=await ticket_panels.panels(v, ticket), **extra,
    )  # fmt: skip


@router.get("/ui/tickets/{ticket_id}")
async def ticket_page(request: Request, v: Visitor, ticket_id: str, done: str = "") -> Response:
    values = await _ticket_values(v, ticket_id, done=ACTIONS.get(done))
    return page(v.web.templates, request, "ticket.html", v.lang, values)


PARTS = {"facts": "_facts.html", "history": "_history.html"}


@router.get("/ui/tickets/{ticket_id}/{part}")
async def ticket_part(request: Request, v: Visitor, ticket_id: str, part: str) -> Response:
    """The ticket's facts or history again, as the live feed says it changed."""
    if part not in PARTS:
        raise NotFound(f"no part {part}")
    ticket = await reading.get_ticket(ticket_id, v.caller, v.ctx.new_uow)
    return page(v.web.templates, request, PARTS[part], v.lang, v.values(ticket=ticket))


@router.post("/ui/tickets/{ticket_id}/actions/{command}")
async def run_action(request: Request, v: Visitor, ticket_id: str, command: str) -> Response:
    """One command through the gateway's forwarding, once per form (its key): done → the
    ticket again; refused → the ticket with the refusal next to the form."""
    action = ACTIONS.get(command)
    if action is None:
        raise NotFound(f"no action {command}")
    form = await request.form()
    session.check_csrf(v.signed.session, form_text(form.get("csrf")))
    await forwarding.ticket_in_scope(ticket_id, v.caller, v.ctx.new_uow)
    try:
        reply = await _send(v, ticket_id, action, form)
    except InvalidFields as error:  # the form's own value (a date) could not be read
        return await _refused(request, v, ticket_id, action, error.status_code, error.message)
    if reply.status < 300:
        return RedirectResponse(f"/ui/tickets/{ticket_id}?done={action.key}", status_code=303)
    return await _refused(request, v, ticket_id, action, reply.status, refusal_reason(reply.body))


async def _refused(
    request: Request, v: Visit, ticket_id: str, action: Action, status: int, message: str
) -> Response:
    refusal = {"form": action.key, "status": status, "message": message}
    values = await _ticket_values(v, ticket_id, refusal=refusal)
    return page(v.web.templates, request, "ticket.html", v.lang, values, status)


async def _send(v: Visit, ticket_id: str, action: Action, form: Any) -> forwarding.StoredReply:
    """The command as its gateway route sends it: POST with the JSON body, PUT/DELETE
    (watch, untag) with the form's values in the path only."""
    path = f"/work-orders/{ticket_id}/{path_for(action, form)}"
    body = json.dumps(body_for(action, form, v.lang.zone)).encode()
    if action.method == "POST":
        request = ServiceRequest("dispatch", "POST", path, body, "application/json")
    else:
        request = ServiceRequest("dispatch", action.method, path)
    key = form_text(form.get("form_key")) or None
    return await forwarding.send(request, v.caller, key, v.ctx.forwarding)


def form_text(value: object) -> str:
    return value if isinstance(value, str) else ""


def refusal_reason(body: bytes) -> str:
    """What the service said, in one line: the message, or each field and why."""
    try:
        detail = json.loads(body).get("detail")
    except (ValueError, AttributeError):
        return body.decode(errors="replace")[:300]
    if isinstance(detail, list):
        return "; ".join(f"{d.get('field')}: {d.get('reason')}" for d in detail)
    if isinstance(detail, dict):
        allowed = detail.get("allowed") or detail.get("allowed_roles")
        extra = f" ({', '.join(map(str, allowed))})" if allowed else ""
        return f"{detail.get('message', '')}{extra}"
    return str(detail)


@router.get("/ui/portal")
async def portal(request: Request, v: Visitor) -> Response:
    """The requester's own tickets (staff see their tenant's, as in the queue)."""
    items, _next, _problem = await _rows(v, ListForm())
    values = v.values(items=items, banner=await banner_items(v))
    return page(v.web.templates, request, "portal.html", v.lang, values)
