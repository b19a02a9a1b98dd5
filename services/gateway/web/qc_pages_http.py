"""The quality-control pages: the inspection queue and its checklist, the return visits
to call (and a dissatisfied customer's follow-up ticket), and responsibility judgements
with their appeals.

Everything goes to qc through the gateway's forwarding with the signed-in caller (the
same tenant scope and roles as the API routes of qc_http.py and appeals_http.py); qc
decides, and its refusal is shown next to the form (a field it names, next to that
field), the form filled again with everything typed: nothing was applied.
"""

import json
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from services.gateway.app import forwarding, personal, reading
from services.gateway.app.ports import ServiceRequest
from services.gateway.domain import queries
from services.gateway.domain.callers import REPORT_READERS, STAFF, require
from services.gateway.domain.queries import Page, TicketFilter
from services.gateway.web import qc_forms as qf
from services.gateway.web import session
from services.gateway.web.pages_http import refusal_reason
from services.gateway.web.render import page
from services.gateway.web.visits import PageRoute, Visit, Visitor
from shared.errors import InvalidFields, NotFound, RequestError

router = APIRouter(include_in_schema=False, route_class=PageRoute)
Fields = dict[str, Any]


async def _send(
    v: Visit, method: str, path: str, body: Fields | None = None, params: Fields | None = None
) -> forwarding.StoredReply:
    data = json.dumps(body).encode() if body is not None else b""
    kind = "application/json" if data else ""
    sent = ServiceRequest("qc", method, path, data, kind, params or {})
    return await forwarding.send(sent, v.caller, None, v.ctx.forwarding)


async def _post(v: Visit, path: str, body: Fields, form_key: str, form: Any) -> Fields | None:
    """The form's body posted to qc: ``None`` when done, else the refusal to show (its
    message, the fields it names, and what was typed, to fill the form again)."""
    reply = await _send(v, "POST", path, body)
    if reply.status < 300:
        return None
    said, named = refusal_reason(reply.body), qf.named_fields(reply.body)
    return qf.refusal(form_key, reply.status, said, named, form)


async def _read(v: Visit, path: str, empty: Any, **params: str) -> Any:
    """qc's JSON answer to a GET made as the visitor; ``empty`` when it has none."""
    reply = await _send(v, "GET", path, None, params)
    try:
        return json.loads(reply.body) if reply.status == 200 and reply.body else empty
    except ValueError:
        return empty


def _show(request: Request, v: Visit, template: str, values: Fields, status: int = 200) -> Response:
    values = values | {"sections": qf.sections(v.caller)}
    return page(v.web.templates, request, template, v.lang, v.values(**values), status)


async def _form(request: Request, v: Visit) -> Any:
    form = await request.form()
    session.check_csrf(v.signed.session, str(form.get("csrf") or ""))
    return form


@router.get("/ui/qc")
async def qc_home(v: Visitor) -> Response:
    require(v.caller, STAFF)
    return RedirectResponse(qf.sections(v.caller)[0][0], status_code=303)


# --- inspections -------------------------------------------------------------------


async def _inspection_values(v: Visit, ticket: str) -> Fields:
    queue = await _read(v, f"/tenants/{v.tenant}/inspections", [], state="open")
    queue += await _read(v, f"/tenants/{v.tenant}/inspections", [], state="claimed")
    inspected = await _read(
        v, f"/tenants/{v.tenant}/inspections", [], state="submitted", limit="20"
    )
    chosen, items = None, []
    if ticket:
        await forwarding.ticket_in_scope(ticket, v.caller, v.ctx.new_uow)
        chosen = await _read(v, f"/inspections/{ticket}", None)
        items = (await _read(v, f"/tenants/{v.tenant}/qc-policy", {})).get("items", [])
    may = qf.acts_as(v.caller, qf.INSPECTORS)
    return {
        "queue": queue,
        "inspected": inspected,
        "chosen": chosen,
        "items": items,
        "may_inspect": may,
        "states": qf.INSPECTION_STATES,
    }


@router.get("/ui/qc/inspections")
async def inspections(request: Request, v: Visitor, ticket: str = "", done: str = "") -> Response:
    require(v.caller, REPORT_READERS)
    values = await _inspection_values(v, ticket)
    return _show(request, v, "qc_inspections.html", values | {"ticket": ticket, "done": done})


@router.post("/ui/qc/inspections/{ticket_id}")
async def inspect(request: Request, v: Visitor, ticket_id: str) -> Response:
    """Submit the checklist (qc claims an open inspection for the submitter)."""
    require(v.caller, REPORT_READERS)
    form = await _form(request, v)
    values = await _inspection_values(v, ticket_id)
    chosen = values["chosen"] or {}
    keys = [item["key"] for item in values["items"]]
    body = qf.verdict_body(keys, form, bool(chosen.get("overdue")))
    refusal = await _post(v, f"/inspections/{ticket_id}/submit", body, "checklist", form)
    if refusal is None:
        return RedirectResponse(f"/ui/qc/inspections?ticket={ticket_id}&done=1", status_code=303)
    values |= {"ticket": ticket_id, "refusal": refusal}
    return _show(request, v, "qc_inspections.html", values, refusal["status"])


# --- return visits -------------------------------------------------------------------


async def _follow_up(v: Visit, ticket_id: str) -> Fields | None:
    """The follow-up ticket qc opened after the visit, once the read model has it."""
    query = queries.readable_by(qf.follow_up_filter(v.tenant, ticket_id), v.caller)
    found = await reading.list_tickets(v.ctx.new_uow, query, Page(10))
    followed = qf.follow_up_of(found.items, ticket_id)
    return dict(followed) if followed is not None else None


async def _follow_up_values(v: Visit, ticket_id: str, attempts: list[Any], done: str) -> Fields:
    follow_up = await _follow_up(v, ticket_id) if qf.dissatisfied(attempts) else None
    state = qf.follow_up_state(attempts, follow_up, done)
    return {"follow_up": follow_up, "follow_up_state": state, "visit_id": ticket_id,
            "visit_done": done, "may_call": qf.acts_as(v.caller, qf.VISITORS)}  # fmt: skip


async def _visit_values(v: Visit, ticket: str, done: str = "") -> Fields:
    due = await _read(v, f"/tenants/{v.tenant}/return-visits", [])
    chosen: Fields | None = None
    attempts: list[Any] = []
    follow: Fields = {}
    if ticket:
        chosen = await reading.get_ticket(ticket, v.caller, v.ctx.new_uow)
        attempts = qf.visit_attempts(chosen["history"])
        follow = await _follow_up_values(v, ticket, attempts, done)
    return follow | {
        "due": due, "chosen": chosen, "attempts": attempts, "open": qf.visit_open(attempts),
        "may_call": qf.acts_as(v.caller, qf.VISITORS), "missed": qf.MISSED, "survey": qf.SURVEY,
        "visit_events": qf.VISIT_EVENTS, "zone": v.lang.zone.key,
    }  # fmt: skip


@router.get("/ui/qc/return-visits")
async def return_visits(request: Request, v: Visitor, ticket: str = "", done: str = "") -> Response:
    require(v.caller, qf.VISITORS)
    values = await _visit_values(v, ticket, done)
    return _show(request, v, "qc_visits.html", values | {"ticket": ticket, "done": done})


@router.get("/ui/qc/return-visits/{ticket_id}/attempts")
async def visit_attempts(request: Request, v: Visitor, ticket_id: str) -> Response:
    """The calls so far again, as the live feed says the ticket changed."""
    require(v.caller, qf.VISITORS)
    chosen = await reading.get_ticket(ticket_id, v.caller, v.ctx.new_uow)
    values = {"attempts": qf.visit_attempts(chosen["history"]), "visit_events": qf.VISIT_EVENTS,
              "missed": qf.MISSED}  # fmt: skip
    return _show(request, v, "_qc_attempts.html", values)


@router.get("/ui/qc/return-visits/{ticket_id}/follow-up")
async def follow_up_part(request: Request, v: Visitor, ticket_id: str, done: str = "") -> Response:
    """The follow-up part again, while it waits for the read model (the live feed)."""
    require(v.caller, qf.VISITORS)
    chosen = await reading.get_ticket(ticket_id, v.caller, v.ctx.new_uow)
    attempts = qf.visit_attempts(chosen["history"])
    values = await _follow_up_values(v, ticket_id, attempts, done)
    return _show(request, v, "_qc_follow_up.html", values)


@router.post("/ui/qc/return-visits/{ticket_id}")
async def record_call(request: Request, v: Visitor, ticket_id: str) -> Response:
    require(v.caller, qf.VISITORS)
    form = await _form(request, v)
    await forwarding.ticket_in_scope(ticket_id, v.caller, v.ctx.new_uow)
    key = "reached" if form.get("outcome") == "reached" else "missed"
    refusal: Fields | None
    try:
        body = qf.call_body(form, v.lang.zone)
    except InvalidFields as error:  # the posted time could not be read
        named = {qf.input_name(k): r for k, r in error.errors.items()}
        refusal = qf.refusal(key, error.status_code, error.message, named, form)
    else:
        refusal = await _post(v, f"/return-visits/{ticket_id}/calls", body, key, form)
    if refusal is None:
        target = f"/ui/qc/return-visits?ticket={ticket_id}&done={body['outcome']}"
        return RedirectResponse(target, status_code=303)
    return await _visit_refused(request, v, ticket_id, refusal)


@router.post("/ui/qc/return-visits/{ticket_id}/follow-up")
async def follow_up(request: Request, v: Visitor, ticket_id: str) -> Response:
    """A dissatisfied customer's follow-up ticket: qc submits it to intake, linked to this
    one (once; qc refuses a second one, or one for a satisfied customer)."""
    require(v.caller, qf.VISITORS)
    form = await _form(request, v)
    await forwarding.ticket_in_scope(ticket_id, v.caller, v.ctx.new_uow)
    body = qf.follow_up_body(form)
    refusal = await _post(v, f"/return-visits/{ticket_id}/follow-up", body, "follow_up", form)
    if refusal is None:
        target = f"/ui/qc/return-visits?ticket={ticket_id}&done=follow_up"
        return RedirectResponse(target, status_code=303)
    return await _visit_refused(request, v, ticket_id, refusal)


async def _visit_refused(request: Request, v: Visit, ticket_id: str, refusal: Fields) -> Response:
    values = await _visit_values(v, ticket_id)
    if refusal["form"] == "follow_up":  # its form stays, with the refusal next to it
        values["follow_up_state"] = "offer"
    values |= {"ticket": ticket_id, "refusal": refusal}
    return _show(request, v, "qc_visits.html", values, refusal["status"])


# --- judgements and appeals ----------------------------------------------------------


async def _to_judge(v: Visit) -> list[Fields]:
    """The tenant's complaints nobody judged yet (the read model's ``responsibility``)."""
    if not qf.acts_as(v.caller, qf.JUDGES):
        return []
    found = await reading.list_tickets(
        v.ctx.new_uow, TicketFilter(v.tenant, types=("complaint",)), Page(50)
    )
    return [t for t in found.items if not t.get("responsibility")]


async def _window(v: Visit, ticket_id: str) -> str | None:
    try:
        reply = await personal.ticket_sla(ticket_id, v.caller, v.ctx.new_uow, v.ctx.forwarding)
    except RequestError:
        return None
    found = json.loads(reply.body) if reply.status == 200 else None
    return qf.appeal_closes_at(found if isinstance(found, dict) else None)


async def _case_values(v: Visit, ticket: str) -> Fields:
    await forwarding.ticket_in_scope(ticket, v.caller, v.ctx.new_uow)
    units = await _read(v, f"/tenants/{v.tenant}/units", [])
    case = await _read(v, f"/complaints/{ticket}/judgement", {"judgements": []})
    library = await _read(v, "/tenants/" + v.tenant + "/appeal-templates", {},
                          language=v.lang.tag)  # fmt: skip
    return {
        "case": case, "units": units, "forms": qf.judgement_forms(v.caller, case, units),
        "library": library, "closes_at": await _window(v, ticket),
        "ticket_view": await reading.get_ticket(ticket, v.caller, v.ctx.new_uow),
    }  # fmt: skip


async def _judgement_values(v: Visit, state: str, ticket: str) -> Fields:
    listed = state if state in qf.STATES else "appealed"
    reader = v.caller.is_platform_admin or bool(v.caller.roles & REPORT_READERS)
    judged = await _read(v, f"/tenants/{v.tenant}/judgements", [], state=listed) if reader else []
    values: Fields = {"judged": judged, "state": listed, "states": qf.STATES, "reader": reader,
                      "to_judge": await _to_judge(v), "decisions": qf.DECISIONS}  # fmt: skip
    if not ticket:
        return values | {"case": None}
    return values | await _case_values(v, ticket)


@router.get("/ui/qc/judgements")
async def judgements(
    request: Request, v: Visitor, state: str = "appealed", ticket: str = "", done: str = ""
) -> Response:
    require(v.caller, STAFF)
    values = await _judgement_values(v, state, ticket)
    return _show(request, v, "qc_judgements.html", values | {"ticket": ticket, "done": done})


STEPS = {"judge": "judgement", "appeal": "appeal", "decide": "appeal/decision"}


@router.post("/ui/qc/judgements/{ticket_id}/{step}")
async def judgement_step(request: Request, v: Visitor, ticket_id: str, step: str) -> Response:
    require(v.caller, STAFF)
    if step not in STEPS:
        raise NotFound(f"no step {step}")
    form = await _form(request, v)
    await forwarding.ticket_in_scope(ticket_id, v.caller, v.ctx.new_uow)
    body = {
        "judge": qf.judging_body, "decide": qf.decision_body,
    }.get(step, lambda f: qf.appeal_body(f, v.lang.tag))(form)  # fmt: skip
    refusal = await _post(v, f"/complaints/{ticket_id}/{STEPS[step]}", body, step, form)
    if refusal is None:
        target = f"/ui/qc/judgements?ticket={ticket_id}&done={step}"
        return RedirectResponse(target, status_code=303)
    values = await _judgement_values(v, "appealed", ticket_id)
    values |= {"ticket": ticket_id, "refusal": refusal}
    return _show(request, v, "qc_judgements.html", values, refusal["status"])
