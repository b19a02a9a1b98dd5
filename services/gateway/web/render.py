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
    # The other services' steps, as the processing history shows them.
    "ticket.tagged": N_("Tagged"),
    "ticket.untagged": N_("Tag removed"),
    "ticket.escalated": N_("Escalated"),
    "ticket.shared": N_("Shared"),
    "ticket.watch_changed": N_("Watching changed"),
    "ticket.approval_requested": N_("Approval requested"),
    "ticket.approved": N_("Approved"),
    "ticket.approval_rejected": N_("Approval rejected"),
    "ticket.extension_requested": N_("Extension requested"),
    "ticket.extension_approved": N_("Extension approved"),
    "ticket.extension_rejected": N_("Extension rejected"),
    "ticket.tracking_set": N_("Follow-up tracking set"),
    "ticket.tracking_closed": N_("Follow-up tracking ended"),
    "ticket.tracking_converted": N_("Follow-up turned into a ticket"),
    "ticket.quarantined": N_("Quarantined"),
    "ticket.released": N_("Released from quarantine"),
    "ticket.customer_replied": N_("Customer replied"),
    "ticket.linked_repeat": N_("Linked as a repeat complaint"),
    "ticket.cluster_detected": N_("Outage cluster detected"),
    "ticket.joined_cluster": N_("Joined an outage cluster"),
    "ticket.parent_linked": N_("Parent incident linked"),
    "ticket.parent_unlinked": N_("Parent incident unlinked"),
    "attachment.added": N_("Attachment added"),
    "change.submitted": N_("Change submitted"),
    "problem.created": N_("Converted to a problem"),
    "sla.warning": N_("SLA warning"),
    "sla.breached": N_("SLA breached"),
    "notification.status_changed": N_("Notification"),
    "qc.inspection_created": N_("Quality inspection due"),
    "qc.inspection_submitted": N_("Quality inspected"),
    "qc.return_visit_attempted": N_("Return visit attempted"),
    "qc.return_visit_completed": N_("Return visit done"),
    "qc.return_visit_abandoned": N_("Return visit given up"),
    "qc.responsibility_judged": N_("Responsibility judged"),
    "qc.appeal_filed": N_("Appeal filed"),
    "qc.appeal_decided": N_("Appeal decided"),
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
