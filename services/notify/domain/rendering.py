"""What a template is given and gives back. Every key of the context is always present
(``None`` where it does not apply), so an undefined name in a template is a typo and
fails loudly instead of rendering half a text."""

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from services.notify.domain.channels import Channel


class Kind(StrEnum):
    """What happened, as the notification templates and preferences know it."""

    REGISTERED = "ticket_registered"
    ASSIGNED = "ticket_assigned"
    TRANSFERRED = "ticket_transferred"
    URGED = "ticket_urged"
    ESCALATED = "ticket_escalated"
    SLA_WARNING = "sla_warning"
    SLA_BREACHED = "sla_breached"
    STATUS_CHANGED = "status_changed"
    PORTAL_MESSAGE = "portal_message"
    RESOLVED = "ticket_resolved"
    CLOSED = "ticket_closed"
    MAJOR_ALERT = "major_alert"
    REPEAT_COMPLAINT = "repeat_complaint"
    INSPECTION_FAILED = "inspection_failed"
    SHARED = "ticket_shared"  # someone shared the ticket with the recipient
    RESPONSIBILITY_JUDGED = "responsibility_judged"  # 判责: a unit is held responsible
    APPEAL_DECIDED = "appeal_decided"  # 申诉: the reviewer upheld or overturned it


LANGUAGES = ("zh-CN", "ru", "en")
# Channels a person is written to with a template (webhooks carry the event as JSON).
TEMPLATED = (Channel.SMS, Channel.EMAIL)

# The context every template gets: {"ticket": {...}, "event": {...}, "recipient": {...}}.
TICKET_KEYS = ("number", "subject", "status", "severity", "priority", "assignee", "group")
EVENT_KEYS = (
    "kind", "occurred_at", "actor", "reason", "note", "urge_count", "to_line", "metric",
    "due_at", "from_status", "to_status", "message", "solution", "score", "critical",
    "unit", "category", "decision", "appealable",
)  # fmt: skip
RECIPIENT_KEYS = ("name",)


@dataclass(frozen=True)
class Rendered:
    subject: str | None  # e-mail only
    body: str


class TemplateFailed(Exception):
    """A template that does not compile or does not render: the delivery fails visibly."""


def context(
    ticket: dict[str, Any], event: dict[str, Any], recipient: dict[str, Any]
) -> dict[str, dict[str, Any]]:
    """The full context: every known key present, ``None`` where not given."""
    return {
        "ticket": {key: ticket.get(key) for key in TICKET_KEYS},
        "event": {key: event.get(key) for key in EVENT_KEYS},
        "recipient": {key: recipient.get(key) for key in RECIPIENT_KEYS},
    }
