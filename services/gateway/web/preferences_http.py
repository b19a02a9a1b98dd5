"""``/ui/me/preferences``: the signed-in person's own notification preferences — language,
time zone, quiet hours and the channels of each kind of notice — kept by notify. Phone,
e-mail, duty and supervising are not on this form: the admins keep them, and notify's
preferences route refuses them.

The form is checked here first (each field's error next to it, nothing sent); what notify
still refuses (a 422 naming fields) is shown the same way, and nothing is changed then.
"""

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData as Form

from services.gateway.app import personal
from services.gateway.web import session
from services.gateway.web.i18n import N_
from services.gateway.web.render import page
from services.gateway.web.visits import PageRoute, Visit, Visitor
from shared.errors import RequestError

router = APIRouter(include_in_schema=False, route_class=PageRoute)
LANGUAGE_CHOICES = ("zh-CN", "ru", "en")
CHANNELS = {"sms": N_("SMS"), "email": N_("E-mail"), "in_app": N_("In the dashboard")}
ZONES = (
    "Asia/Shanghai", "Asia/Urumqi", "Asia/Hong_Kong", "Europe/Moscow", "Europe/Kaliningrad",
    "Asia/Yekaterinburg", "Asia/Novosibirsk", "Asia/Vladivostok", "UTC",
)  # fmt: skip
KIND_LABELS = {
    "ticket_registered": N_("Ticket registered"), "ticket_assigned": N_("Assigned to me"),
    "ticket_transferred": N_("Transferred to me"), "ticket_urged": N_("Urged"),
    "ticket_escalated": N_("Escalated"), "sla_warning": N_("SLA warning"),
    "sla_breached": N_("SLA breached"), "status_changed": N_("Status changed"),
    "portal_message": N_("Portal message"), "ticket_resolved": N_("Resolved"),
    "ticket_closed": N_("Closed"), "major_alert": N_("Major incident alert"),
    "repeat_complaint": N_("Repeat complaint"),
    "inspection_failed": N_("Quality inspection failed"),
    "ticket_shared": N_("Shared with me"), "responsibility_judged": N_("Responsibility judged"),
    "appeal_decided": N_("Appeal decided"),
}  # fmt: skip
BAD_ZONE = N_("Unknown time zone")
BAD_TIME = N_("Not a time (HH:MM)")
BOTH_OR_NEITHER = N_("Give both the start and the end, or neither")
SAME_TIMES = N_("The start and the end must differ")
BAD_LANGUAGE = N_("Choose one of the languages offered")
BAD_CHANNEL = N_("Unknown channel")


@dataclass
class Checked:
    """The body for notify, and each field's error (the field's name → why)."""

    body: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _time(text: str) -> time | None:
    try:
        return time.fromisoformat(text)
    except ValueError:
        return None


def _quiet_hours(form: Form, checked: Checked) -> None:
    start, end = _text(form.get("quiet_start")), _text(form.get("quiet_end"))
    if not start and not end:
        checked.body["quiet_hours"] = None
        return
    if not start or not end:
        checked.errors["quiet_hours"] = BOTH_OR_NEITHER
        return
    begins, ends = _time(start), _time(end)
    if begins is None or ends is None:
        checked.errors["quiet_hours"] = BAD_TIME
    elif begins == ends:
        checked.errors["quiet_hours"] = SAME_TIMES
    else:
        checked.body["quiet_hours"] = {"start": begins.isoformat(), "end": ends.isoformat()}


def _zone(form: Form, checked: Checked) -> None:
    name = _text(form.get("time_zone"))
    if not name:
        checked.body["time_zone"] = None
        return
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        checked.errors["time_zone"] = BAD_ZONE
        return
    checked.body["time_zone"] = name


def _language(form: Form, checked: Checked) -> None:
    chosen = _text(form.get("language"))
    if chosen and chosen not in LANGUAGE_CHOICES:
        checked.errors["language"] = BAD_LANGUAGE
    else:
        checked.body["language"] = chosen or None


def _channels(form: Form, kinds: list[str], checked: Checked) -> None:
    """Kinds set to "my own choice" get the channels ticked (none ticked: no notice of
    that kind); the others follow the tenant."""
    channels: dict[str, list[str]] = {}
    for kind in kinds:
        if _text(form.get(f"mode.{kind}")) != "own":
            continue
        ticked = sorted({_text(c) for c in form.getlist(f"channel.{kind}")})
        if set(ticked) - set(CHANNELS):
            checked.errors[f"channels.{kind}"] = BAD_CHANNEL
        channels[kind] = ticked
    checked.body["channels"] = channels


def checked_form(form: Form, kinds: list[str]) -> Checked:
    """The form as notify's preferences body, or the errors of its fields."""
    checked = Checked()
    _language(form, checked)
    _zone(form, checked)
    _quiet_hours(form, checked)
    _channels(form, kinds, checked)
    return checked


def refused_fields(body: bytes) -> dict[str, str]:
    """notify's 422 as errors per form field (``quiet_hours.start`` → ``quiet_hours``)."""
    try:
        detail = json.loads(body).get("detail")
    except (ValueError, AttributeError):
        return {"form": body.decode(errors="replace")[:300]}
    if not isinstance(detail, list):
        return {"form": str(detail)}
    errors: dict[str, str] = {}
    for item in detail:
        name = str(item.get("field", "form"))
        head = name.split(".")[0]
        key = name if head == "channels" and name.count(".") == 1 else head
        errors.setdefault(key, str(item.get("reason", "")))
    return errors


def kinds_of(preferences: Mapping[str, Any]) -> list[str]:
    """Every kind of notice the tenant or the person names channels for, in one order."""
    tenant = (preferences.get("tenant") or {}).get("channels") or {}
    own = preferences.get("channels") or {}
    known = [k for k in KIND_LABELS if k in tenant or k in own]
    return known + sorted((set(tenant) | set(own)) - set(known))


def shown(preferences: Mapping[str, Any], submitted: Form | None) -> dict[str, Any]:
    """What the form shows: the values submitted (when refused), else the stored ones."""
    quiet = preferences.get("quiet_hours") or {}
    if submitted is None:
        own = preferences.get("channels") or {}
        return {
            "language": preferences.get("language") or "",
            "time_zone": preferences.get("time_zone") or "",
            "quiet_start": str(quiet.get("start", ""))[:5],
            "quiet_end": str(quiet.get("end", ""))[:5],
            "own": {kind: list(chosen) for kind, chosen in own.items()},
        }  # fmt: skip
    kinds = kinds_of(preferences)
    return {
        "language": _text(submitted.get("language")),
        "time_zone": _text(submitted.get("time_zone")),
        "quiet_start": _text(submitted.get("quiet_start")),
        "quiet_end": _text(submitted.get("quiet_end")),
        "own": {
            kind: [_text(c) for c in submitted.getlist(f"channel.{kind}")]
            for kind in kinds if _text(submitted.get(f"mode.{kind}")) == "own"
        },
    }  # fmt: skip


async def _stored(v: Visit) -> tuple[dict[str, Any], str]:
    """The person's preferences with the tenant's defaults; a problem when notify has none."""
    try:
        reply = await personal.my_preferences(v.tenant, v.caller, v.ctx.forwarding)
    except RequestError as error:
        return {}, error.message
    if reply.status != 200:
        return {}, refused_fields(reply.body).get("form", str(reply.status))
    found = json.loads(reply.body)
    return (found, "") if isinstance(found, dict) else ({}, "")


def _values(
    v: Visit, stored: dict[str, Any], problem: str, submitted: Form | None = None,
    errors: Mapping[str, str] | None = None, saved: bool = False,
) -> dict[str, Any]:  # fmt: skip
    return v.values(
        stored=stored, tenant=stored.get("tenant") or {}, kinds=kinds_of(stored),
        form=shown(stored, submitted), errors=dict(errors or {}), problem=problem, saved=saved,
        kind_labels=KIND_LABELS, channels=CHANNELS, zones=ZONES, language_choices=LANGUAGE_CHOICES,
    )  # fmt: skip


@router.get("/ui/me/preferences")
async def preferences(request: Request, v: Visitor, saved: str = "") -> Response:
    stored, problem = await _stored(v)
    values = _values(v, stored, problem, saved=saved == "1")
    return page(v.web.templates, request, "preferences.html", v.lang, values)


@router.post("/ui/me/preferences")
async def save_preferences(request: Request, v: Visitor) -> Response:
    """Saved → the page again, saying so; refused → the form as sent, each field's error
    next to it, nothing changed."""
    form = await request.form()
    session.check_csrf(v.signed.session, _text(form.get("csrf")))
    stored, problem = await _stored(v)
    checked = checked_form(form, kinds_of(stored))
    if not checked.errors and not problem:
        checked.errors, status = await _send(v, checked.body)
        if not checked.errors:
            return RedirectResponse("/ui/me/preferences?saved=1", status_code=303)
    else:
        status = 422 if checked.errors else 503
    values = _values(v, stored, problem, form, checked.errors)
    return page(v.web.templates, request, "preferences.html", v.lang, values, status)


async def _send(v: Visit, body: dict[str, Any]) -> tuple[dict[str, str], int]:
    try:
        reply = await personal.set_my_preferences(v.tenant, v.caller, body, v.ctx.forwarding)
    except RequestError as error:
        return {"form": error.message}, error.status_code
    if reply.status < 300:
        return {}, reply.status
    return refused_fields(reply.body), reply.status
