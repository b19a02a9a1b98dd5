"""The quality-control pages' forms: the bodies qc takes, built from what a form posted,
and which forms a caller is offered (qc decides with the caller's acting role, the one
the gateway names as the actor, so the pages offer by that role too)."""

import json
from collections.abc import Mapping, Sequence
from datetime import tzinfo
from typing import Any

from services.gateway.domain.callers import REPORT_READERS, Caller, Role
from services.gateway.domain.queries import TicketFilter
from services.gateway.domain.search import query_tokens
from services.gateway.web.actions import local_to_utc
from services.gateway.web.i18n import N_

INSPECTORS = frozenset({Role.INSPECTOR, Role.SUPERVISOR, Role.ADMIN})
VISITORS = frozenset({Role.AGENT, Role.INSPECTOR, Role.SUPERVISOR, Role.ADMIN})
JUDGES = frozenset({Role.SUPERVISOR, Role.ADMIN})  # qc's judges and reviewers

# A call that did not reach the customer; "reached" is the visit form's own.
MISSED = {
    "no_answer": N_("No answer"), "busy": N_("Busy"), "wrong_number": N_("Wrong number"),
    "refused": N_("Refused to talk"),
}  # fmt: skip
# qc's default survey (its API sets no other).
SURVEY = {"resolved": N_("Was it resolved?"), "attitude": N_("Attitude"), "speed": N_("Speed")}
DECISIONS = {
    "upheld": N_("Uphold"), "no_responsibility": N_("Clear: no responsibility"),
    "reassigned": N_("Reassign to another unit"),
}  # fmt: skip
STATES = {
    "appealed": N_("Appealed"), "standing": N_("Standing"), "final": N_("Final"),
    "upheld": N_("Upheld"), "no_responsibility": N_("No responsibility"),
    "reassigned": N_("Reassigned"),
}  # fmt: skip
INSPECTION_STATES = {
    "open": N_("Not claimed"),
    "claimed": N_("Claimed"),
    "submitted": N_("Submitted"),
}
VISIT_EVENTS = {
    "qc.return_visit_attempted": N_("Not reached"), "qc.return_visit_completed": N_("Reached"),
    "qc.return_visit_abandoned": N_("Abandoned"),
}  # fmt: skip
# The default checklist's labels (qc's), so that they read in the page's language.
DEFAULT_ITEMS = (
    N_("Cause and solution filled in and specific"),
    N_("The solution fixed what the customer reported"),
    N_("Closure code matches the solution"), N_("The customer was told the result"),
)  # fmt: skip


def acts_as(caller: Caller, roles: frozenset[Role]) -> bool:
    return caller.acting_role in roles


def sections(caller: Caller) -> list[tuple[str, str]]:
    """The QC pages the caller may open: every member of staff may appeal for a unit."""
    shown = []
    if caller.is_platform_admin or caller.roles & REPORT_READERS:
        shown.append(("/ui/qc/inspections", N_("Inspections")))
    if caller.is_platform_admin or caller.roles & VISITORS:
        shown.append(("/ui/qc/return-visits", N_("Return visits")))
    shown.append(("/ui/qc/judgements", N_("Judgements")))
    return shown


def _text(form: Mapping[str, Any], name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _filled(form: Mapping[str, Any], *names: str) -> dict[str, str]:
    return {n: _text(form, n) for n in names if _text(form, n)}


def verdict_body(keys: list[str], form: Mapping[str, Any], overdue: bool) -> dict[str, Any]:
    """Each checklist item met or not (an item left unanswered is left out: qc names it);
    defects one per line; the overdue verdict only for an overdue ticket."""
    items = {k: _text(form, f"item.{k}") == "met" for k in keys if _text(form, f"item.{k}")}
    defects = [line.strip() for line in _text(form, "defects").splitlines() if line.strip()]
    body: dict[str, Any] = {"items": items, "defects": defects} | _filled(form, "comment")
    if overdue:
        body |= _filled(form, "overdue_verdict", "overdue_note")
    return body


def call_body(form: Mapping[str, Any], zone: tzinfo) -> dict[str, Any]:
    """A reached customer's satisfaction and answers, or a missed call with when to call
    again (the datetime-local is the tenant's wall time → an aware UTC instant)."""
    if _text(form, "outcome") == "reached":
        score = _text(form, "satisfaction")
        answers = {q: _text(form, f"answer.{q}") for q in SURVEY if _text(form, f"answer.{q}")}
        body: dict[str, Any] = {"outcome": "reached", "answers": answers}
        return body | ({"satisfaction": int(score)} if score.isdigit() else {})
    body = {"outcome": _text(form, "outcome")}
    when = _text(form, "next_attempt_at")
    return body | ({"next_attempt_at": local_to_utc("next_attempt_at", when, zone)} if when else {})


def follow_up_body(form: Mapping[str, Any]) -> dict[str, Any]:
    """What the follow-up ticket says (qc names ``description`` when it is empty)."""
    return {"description": _text(form, "description")}


def judging_body(form: Mapping[str, Any]) -> dict[str, Any]:
    body: dict[str, Any] = _filled(form, "unit", "category", "text", "station", "person")
    return body | {"appealable": _text(form, "appealable") == "on"}


def appeal_body(form: Mapping[str, Any], language: str) -> dict[str, Any]:
    """A template and its named fields (the text is qc's, filled from them), or a category
    and the appellant's own words."""
    template = _text(form, "template_id")
    if template:
        fields = {k.removeprefix("field."): v.strip() for k, v in form.items()
                  if k.startswith("field.") and isinstance(v, str)}  # fmt: skip
        return {"template_id": template, "fields": fields, "language": language}
    return _filled(form, "category", "text") | {"language": language}


def decision_body(form: Mapping[str, Any]) -> dict[str, Any]:
    """Only a reassignment names the new unit and person (qc refuses them otherwise)."""
    body = _filled(form, "decision", "reason")
    if body.get("decision") == "reassigned":
        body |= _filled(form, "new_unit", "new_person")
    return body


def judgement_forms(
    caller: Caller, case: Mapping[str, Any], units: list[dict[str, Any]]
) -> dict[str, bool]:
    """Which of judge, appeal, decide the caller is offered for this complaint."""
    standing = (case.get("judgements") or [None])[-1]
    allowed = standing["allowed"] if standing else []
    unit = standing["unit"] if standing else None
    members: list[str] = next((u["members"] for u in units if u["unit_id"] == unit), [])
    appellant = ((standing or {}).get("appeal") or {}).get("appellant")
    return {
        "judge": standing is None and acts_as(caller, JUDGES),
        "appeal": "appeal" in allowed and caller.username in members,
        "decide": "decide" in allowed and acts_as(caller, JUDGES) and appellant != caller.username,
    }


def appeal_closes_at(timeline: Mapping[str, Any] | None) -> str | None:
    """When the window to appeal closes: the SLA service's running ``appeal`` clock."""
    for clock in (timeline or {}).get("clocks") or ():
        if clock.get("metric") == "appeal" and clock.get("state") != "stopped":
            due = clock.get("due_at")
            return str(due) if due else None
    return None


def visit_attempts(history: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The return-visit calls so far, as the ticket's history records them."""
    return [e for e in history if e.get("type") in VISIT_EVENTS]


def visit_open(attempts: Sequence[Mapping[str, Any]]) -> bool:
    """Still to call: no call completed or abandoned the visit."""
    return all(e["type"] == "qc.return_visit_attempted" for e in attempts)


# --- a refused form, filled again ----------------------------------------------------

# qc names a field as its body does (``items.<key>``); the form's input for it.
_INPUTS = (("items.", "item."), ("fields.", "field."), ("answers.", "answer."))


def input_name(field: str) -> str:
    """The form input a field qc names was typed into (``items.a`` → ``item.a``)."""
    for body, posted in _INPUTS:
        if field.startswith(body):
            return posted + field.removeprefix(body)
    return field


def named_fields(body: bytes) -> dict[str, str]:
    """A 422's fields and why, by the input each names; nothing for other refusals."""
    try:
        detail = json.loads(body).get("detail")
    except (ValueError, AttributeError):
        return {}
    if not isinstance(detail, list):
        return {}
    found = [d for d in detail if isinstance(d, dict) and d.get("field")]
    return {input_name(str(d["field"])): str(d.get("reason") or "") for d in found}


def kept(form: Mapping[str, Any]) -> dict[str, str]:
    """What the operator typed, to fill the refused form again (never the CSRF token)."""
    return {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf"}


def refusal(
    form_key: str, status: int, message: str, fields: Mapping[str, str], form: Mapping[str, Any]
) -> dict[str, Any]:
    """A refused form as its page shows it: the message, each named field's reason next to
    its input, and every value posted (qc applied none of them)."""
    return {"form": form_key, "status": status, "message": message, "fields": dict(fields),
            "kept": kept(form)}  # fmt: skip


# --- a dissatisfied visit's follow-up ticket -------------------------------------------


def follow_up_ref(ticket_id: str) -> str:
    """The external ref qc gives the follow-up ticket it submits (one per visit)."""
    return f"{ticket_id}:follow-up"


def follow_up_filter(tenant_id: str, ticket_id: str) -> TicketFilter:
    """The tickets whose text holds the follow-up's external ref (its keyword tokens)."""
    return TicketFilter(tenant_id, tokens=tuple(query_tokens(follow_up_ref(ticket_id))))


def follow_up_of(items: Sequence[Mapping[str, Any]], ticket_id: str) -> Mapping[str, Any] | None:
    """The follow-up ticket qc opened for ``ticket_id``'s visit, among ``items``."""
    ref = follow_up_ref(ticket_id)
    return next(
        (t for t in items if t.get("related_to") == ticket_id and t.get("external_ref") == ref),
        None,
    )


def dissatisfied(attempts: Sequence[Mapping[str, Any]]) -> bool:
    """The visit was completed and qc found the customer dissatisfied."""
    done = [e for e in attempts if e.get("type") == "qc.return_visit_completed"]
    return bool(done) and bool((done[-1].get("details") or {}).get("dissatisfied"))


def follow_up_state(
    attempts: Sequence[Mapping[str, Any]], follow_up: Mapping[str, Any] | None, done: str
) -> str:
    """What the visit shows of a follow-up: ``linked`` (its ticket is registered),
    ``waiting`` (just asked for, or a call just recorded, and the read model has not caught
    up yet), ``offer`` (dissatisfied, none asked for yet) or nothing."""
    if follow_up is not None:
        return "linked"
    if done == "follow_up":
        return "waiting"
    if dissatisfied(attempts):
        return "offer"
    return "waiting" if done == "reached" and visit_open(attempts) else ""
