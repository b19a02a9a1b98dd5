"""The ticket page's information panels: its attachments (images previewed), the SLA
timeline of each metric, the portal messages between the customer and the desk apart
from the internal comments, and the caller's "don't notify me" toggle.

Attachments, messages and comments come from the ticket view the page already read (a
requester's has no internal comments). The SLA timeline is the SLA service's (targets,
due instants, pauses: nothing the read model keeps); while it does not answer, the panel
shows what the SLA events in the history say. Files are served here for the signed-in
page: the API's download route takes bearer tokens, which a browser's ``<img>`` has not.
"""

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from babel.units import format_unit
from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from services.gateway.app import forwarding, personal, reading
from services.gateway.app.ports import ServiceRequest
from services.gateway.domain.callers import STAFF, require
from services.gateway.web import session
from services.gateway.web.i18n import LANGUAGES, N_
from services.gateway.web.render import page
from services.gateway.web.visits import PageRoute, Visit, Visitor
from shared.errors import NotFound, RequestError

router = APIRouter(include_in_schema=False, route_class=PageRoute)
Fields = dict[str, Any]

# Shown inline as thumbnails; any other type (SVG among them: it may carry scripts) is
# only ever downloaded.
PREVIEWABLE = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
METRIC_LABELS = {
    "response": N_("Response"), "transfer": N_("Transfer"), "resolution": N_("Resolution"),
    "inspection": N_("Quality inspection"), "appeal": N_("Appeal window"),
}  # fmt: skip
OUTCOME_LABELS = {
    "running": N_("Running"), "paused": N_("Paused"), "met": N_("Met"),
    "breached": N_("Breached"), "ended": N_("Ended"), "unknown": N_("Not known yet"),
}  # fmt: skip
# A clock stopped for these reasons was not met: the ticket left its course.
NOT_MET = frozenset({"closed", "policy_changed", "not_appealable"})


def human_size(size: int, tag: str) -> str:
    """``2.4 MB`` in the page's language."""
    locale = LANGUAGES.get(tag, "en")
    for unit, scale in (("gigabyte", 1e9), ("megabyte", 1e6), ("kilobyte", 1e3)):
        if size >= scale:
            return format_unit(size / scale, f"digital-{unit}", "short", "#,##0.#", locale)
    return format_unit(size, "digital-byte", "narrow", locale=locale)  # "short" says "byte"


def attachment_rows(ticket: Mapping[str, Any], tag: str) -> list[Fields]:
    """Each file with the page's URL for it, its size, and whether it is previewed."""
    rows = []
    for file in ticket.get("attachments") or ():
        url = f"/ui/tickets/{ticket['ticket_id']}/attachments/{file['attachment_id']}"
        rows.append({
            "attachment_id": file["attachment_id"], "filename": file["filename"],
            "content_type": file["content_type"], "size": human_size(file["size"], tag),
            "url": url, "preview": file["content_type"] in PREVIEWABLE,
        })  # fmt: skip
    return rows


def portal_messages(history: list[Fields]) -> list[Fields]:
    """What the customer and the desk said to each other on the portal, oldest first:
    portal messages both ways and the customer's replies."""
    said = []
    for entry in history:
        details, actor = entry.get("details") or {}, entry.get("actor") or {}
        if entry["type"] == "ticket.commented" and details.get("visibility") == "portal":
            body = details.get("body")
        elif entry["type"] == "ticket.customer_replied":
            body = details.get("message")
        else:
            continue
        from_customer = actor.get("role") == "requester"
        said.append({"at": entry["at"], "who": actor.get("id"), "body": body,
                     "from_customer": from_customer})  # fmt: skip
    return said


def internal_comments(history: list[Fields], staff: bool) -> list[Fields]:
    """The desk's internal feed; never on a customer's page, whatever the view holds."""
    if not staff:
        return []
    return [
        {"at": e["at"], "who": (e.get("actor") or {}).get("id"), "body": e["details"].get("body")}
        for e in history
        if e["type"] == "ticket.commented" and e["details"].get("visibility") == "internal"
    ]


def _outcome(clock: Mapping[str, Any]) -> str:
    if clock.get("breach"):
        return "breached"
    if clock.get("state") != "stopped":
        return str(clock.get("state") or "unknown")
    return "ended" if clock.get("stop_reason") in NOT_MET else "met"


def sla_rows(timeline: Mapping[str, Any]) -> list[Fields]:
    """One row per metric clock of the SLA service's timeline."""
    rows = []
    for clock in timeline.get("clocks") or ():
        breach = clock.get("breach") or {}
        rows.append({
            "metric": clock["metric"], "outcome": _outcome(clock),
            "target_seconds": clock.get("target_seconds"), "due_at": clock.get("due_at"),
            "started_at": clock.get("started_at"), "stopped_at": clock.get("stopped_at"),
            "pauses": [{"status": p["status"], "start": p["start"], "end": p["end"]}
                       for p in clock.get("pauses") or ()],
            "warnings": [{"at": w["fired_at"], "percent": w["threshold"]}
                         for w in clock.get("warnings") or ()],
            "breach_at": breach.get("fired_at"),
        })  # fmt: skip
    return rows


def sla_rows_from_history(ticket: Mapping[str, Any]) -> list[Fields]:
    """What the history's SLA warnings and breaches say, per metric (the targets of the
    metrics that fired nothing yet are not known here)."""
    rows: dict[str, Fields] = {}
    for entry in ticket.get("history") or ():
        if entry["type"] not in ("sla.warning", "sla.breached"):
            continue
        details = entry["details"]
        row = rows.setdefault(details["metric"], _unknown_row(details["metric"], ticket))
        row |= {"target_seconds": details["target_seconds"], "due_at": details["due_at"]}
        if entry["type"] == "sla.warning":
            row["warnings"].append({"at": entry["at"], "percent": details["threshold_percent"]})
        else:
            row |= {"breach_at": entry["at"], "outcome": "breached"}
    return list(rows.values())


def _unknown_row(metric: str, ticket: Mapping[str, Any]) -> Fields:
    outcome = "breached" if ticket.get(f"breached_{metric}") else "unknown"
    return {"metric": metric, "outcome": outcome, "target_seconds": None, "due_at": None,
            "started_at": None, "stopped_at": None, "pauses": [], "warnings": [],
            "breach_at": None}  # fmt: skip


def duration(seconds: int | None) -> tuple[int, int, int] | None:
    """Hours, minutes and seconds of a target (business time); a target set to a fraction
    of an hour can leave seconds, which "0 h 00 min" would hide."""
    if seconds is None:
        return None
    return seconds // 3600, seconds % 3600 // 60, seconds % 60


async def _timeline(v: Visit, ticket_id: str) -> Fields | None:
    try:
        reply = await personal.ticket_sla(ticket_id, v.caller, v.ctx.new_uow, v.ctx.forwarding)
    except RequestError:  # the SLA service is away: the history's events stand in
        return None
    found = json.loads(reply.body) if reply.status == 200 else None
    return found if isinstance(found, dict) else None


async def _sla(v: Visit, ticket: Mapping[str, Any]) -> Fields:
    timeline = await _timeline(v, ticket["ticket_id"])
    if timeline is None:
        return {"rows": sla_rows_from_history(ticket), "from_history": True}
    return {"rows": sla_rows(timeline), "from_history": False}


async def _muted(v: Visit, ticket_id: str) -> bool | None:
    """The caller's "don't notify me"; ``None`` while notify cannot say."""
    try:
        state = await personal.mute_state(ticket_id, v.caller, v.ctx.new_uow, v.ctx.forwarding)
    except RequestError:
        return None
    return state.muted


async def panels(v: Visit, ticket: Mapping[str, Any]) -> Fields:
    """Everything the panels show; the SLA timeline to staff only."""
    history = list(ticket.get("history") or ())
    return {
        "attachments": attachment_rows(ticket, v.lang.tag),
        "messages": portal_messages(history),
        "comments": internal_comments(history, v.staff),
        "sla": await _sla(v, ticket) if v.staff else None,
        "muted": await _muted(v, ticket["ticket_id"]),
        "metric_labels": METRIC_LABELS, "outcome_labels": OUTCOME_LABELS, "duration": duration,
    }  # fmt: skip


PARTS = {"attachments": "_attachments.html", "sla": "_sla.html", "messages": "_messages.html"}


async def _part(v: Visit, ticket: Mapping[str, Any], part: str) -> Fields:
    """Only what the one panel shows (the SLA panel asks the SLA service, the others not)."""
    history = list(ticket.get("history") or ())
    if part == "attachments":
        return {"attachments": attachment_rows(ticket, v.lang.tag)}
    if part == "sla":
        require(v.caller, STAFF)
        return {"sla": await _sla(v, ticket), "metric_labels": METRIC_LABELS,
                "outcome_labels": OUTCOME_LABELS, "duration": duration}  # fmt: skip
    return {"messages": portal_messages(history), "comments": internal_comments(history, v.staff)}


@router.get("/ui/tickets/{ticket_id}/panels/{part}")
async def panel(request: Request, v: Visitor, ticket_id: str, part: str) -> Response:
    """One panel again, as the live feed says the ticket changed."""
    if part not in PARTS:
        raise NotFound(f"no panel {part}")
    ticket = await reading.get_ticket(ticket_id, v.caller, v.ctx.new_uow)
    values = v.values(ticket=ticket, panels=await _part(v, ticket, part))
    return page(v.web.templates, request, PARTS[part], v.lang, values)


def disposition(filename: str, inline: bool) -> str:
    """Inline for a previewed image, a download for anything else; the name as RFC 6266
    spells a UTF-8 one (``报修照片.png``)."""
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename*=UTF-8''{quote(filename, safe='')}"


@router.get("/ui/tickets/{ticket_id}/attachments/{attachment_id}")
async def attachment(v: Visitor, ticket_id: str, attachment_id: str) -> Response:
    """A file of a ticket the visitor may read (a requester: only their own tickets')."""
    ticket = await reading.get_ticket(ticket_id, v.caller, v.ctx.new_uow)
    file = next((a for a in ticket["attachments"] if a["attachment_id"] == attachment_id), None)
    if file is None:
        raise NotFound(f"no attachment {attachment_id} on this ticket")
    path = f"/tickets/{quote(ticket_id, safe='')}/attachments/{quote(attachment_id, safe='')}"
    reply = await forwarding.send(ServiceRequest("intake", "GET", path), v.caller, None,
                                  v.ctx.forwarding)  # fmt: skip
    if reply.status != 200:
        raise NotFound(f"intake has no attachment {attachment_id}")
    # The type intake sniffed and stored, never one the browser guesses.
    headers = {
        "Content-Disposition": disposition(file["filename"], file["content_type"] in PREVIEWABLE),
        "X-Content-Type-Options": "nosniff", "Cache-Control": "private, max-age=300",
    }  # fmt: skip
    return Response(reply.body, media_type=file["content_type"], headers=headers)


@router.post("/ui/tickets/{ticket_id}/mute")
async def toggle_mute(request: Request, v: Visitor, ticket_id: str) -> Response:
    """ "Don't notify me" on or off for the visitor; htmx swaps the toggle in place (with
    notify's refusal next to it), a plain form post goes back to the ticket."""
    form = await request.form()
    session.check_csrf(v.signed.session, _text(form.get("csrf")))
    await reading.readable_view(ticket_id, v.caller, v.ctx.new_uow)  # a 404 page otherwise
    muted, refused = await _set_muted(v, ticket_id, _text(form.get("muted")) == "1")
    if not request.headers.get("hx-request"):
        return RedirectResponse(f"/ui/tickets/{ticket_id}", status_code=303)
    values = v.values(ticket={"ticket_id": ticket_id}, panels={"muted": muted},
                      mute_refused=refused)  # fmt: skip
    return page(v.web.templates, request, "_mute.html", v.lang, values)


async def _set_muted(v: Visit, ticket_id: str, wanted: bool) -> tuple[bool, Fields | None]:
    """The state now, and why it is not the one wanted (nothing was changed then)."""
    try:
        state = await personal.set_muted(ticket_id, wanted, v.caller, v.ctx.new_uow,
                                         v.ctx.forwarding)  # fmt: skip
    except RequestError as error:  # notify unreachable
        return not wanted, {"status": error.status_code, "message": error.message}
    if state.refused is None:
        return state.muted, None
    return state.muted, {"status": state.refused.status, "message": _said(state.refused.body)}


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _said(body: bytes) -> str:
    try:
        detail = json.loads(body).get("detail")
    except (ValueError, AttributeError):
        return body.decode(errors="replace")[:300]
    if isinstance(detail, dict):
        return str(detail.get("message", ""))
    return str(detail)
