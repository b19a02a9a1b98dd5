"""Jinja2 pages in the visitor's language; every string goes through the catalogs."""

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from services.gateway.domain.callers import REPORT_READERS, Role
from services.gateway.web.i18n import LANGUAGES, N_, NATIVE_NAMES, Language

TEMPLATES = Path(__file__).parent / "templates"

STATUS_LABELS = {
    "quarantined": N_("Quarantined"), "new": N_("New"), "assigned": N_("Assigned"),
    "accepted": N_("Accepted"), "in_progress": N_("In progress"),
    "waiting_customer": N_("Waiting for the customer"), "on_hold": N_("On hold"),
    "investigation": N_("Under investigation"), "escalated": N_("Escalated"),
    "pending_approval": N_("Pending approval"), "resolved": N_("Resolved"),
    "closed": N_("Closed"), "canceled": N_("Canceled"),
}  # fmt: skip
SEVERITY_LABELS = {"normal": N_("Normal"), "urgent": N_("Urgent"), "major": N_("Major")}
HISTORY_LABELS = {
    "ticket.registered": N_("Registered"), "ticket.assigned": N_("Assigned"),
    "ticket.accepted": N_("Accepted"), "ticket.started": N_("Work started"),
    "ticket.transferred": N_("Transferred"), "ticket.commented": N_("Comment"),
    "ticket.severity_upgraded": N_("Severity changed"), "ticket.resolved": N_("Resolved"),
    "ticket.closed": N_("Closed"), "ticket.canceled": N_("Canceled"),
    "ticket.status_changed": N_("Status changed"), "ticket.urged": N_("Urged"),
    "ticket.priority_changed": N_("Priority changed"),
    "ticket.major_alert_raised": N_("Major incident alert raised"),
    "ticket.major_alert_cleared": N_("Major incident alert cleared"),
}  # fmt: skip


def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    readers = sorted(r.value for r in REPORT_READERS | {Role.PLATFORM_ADMIN})
    env.globals |= {"languages": NATIVE_NAMES, "report_roles": readers}
    return env


def page(
    env: Environment, request: Request, template: str, lang: Language,
    values: Mapping[str, Any], status_code: int = 200,
) -> HTMLResponse:  # fmt: skip
    """``template`` rendered in ``lang``; ``values`` are the page's own."""
    _ = lang.gettext

    def label(labels: Mapping[str, str], value: str | None) -> str:
        if value is None:
            return ""
        return _(labels[value]) if value in labels else value

    context = {
        "_": _, "gettext": _, "lang": lang.tag, "time": lang.time,
        "status_label": lambda v: label(STATUS_LABELS, v),
        "severity_label": lambda v: label(SEVERITY_LABELS, v),
        "history_label": lambda v: label(HISTORY_LABELS, v),
        "path": request.url.path, "html_lang": lang.tag,
        "locales": LANGUAGES,
    } | dict(values)  # fmt: skip
    body = env.get_template(template).render(context)
    return HTMLResponse(body, status_code=status_code)
