"""The workflow commands the ticket page offers as forms: which fields each asks for, and
the body dispatch takes, built from what the form posted.

Dispatch names the commands a ticket's status allows (``allowed_commands``); a page shows
those of them it has a form for. Dispatch decides the rest: a 409 (not in this status any
more), 422 (a field), 403 (your role) is shown next to the form, and nothing is applied.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from services.gateway.web.i18n import N_


@dataclass(frozen=True)
class FormField:
    name: str
    label: str
    kind: str = "text"  # text, textarea, or select (with ``choices``)
    required: bool = False
    choices: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Action:
    command: str  # dispatch's name, as in ``allowed_commands``
    path: str  # the command's path under the ticket (the gateway's spelling)
    label: str
    fields: tuple[FormField, ...] = ()


def _reason(required: bool = False) -> FormField:
    return FormField("reason", N_("Reason"), "textarea", required)


SEVERITIES = (("urgent", N_("Urgent")), ("major", N_("Major")), ("normal", N_("Normal")))

ACTIONS: dict[str, Action] = {
    a.command: a
    for a in (
        Action("accept", "accept", N_("Accept")),
        Action("start", "start", N_("Start work")),
        Action("comment", "comments", N_("Add an internal comment"),
               (FormField("body", N_("Comment"), "textarea", True),)),
        Action("upgrade_severity", "upgrade-severity", N_("Change severity"),
               (FormField("severity", N_("Severity"), "select", True, SEVERITIES), _reason())),
        Action("wait_customer", "wait-customer", N_("Wait for the customer"), (_reason(),)),
        Action("hold", "hold", N_("Put on hold"), (_reason(),)),
        Action("resume", "resume", N_("Resume"), (_reason(),)),
        Action("resolve", "resolve", N_("Resolve"), (
            FormField("cause", N_("Cause"), "textarea", True),
            FormField("solution", N_("Solution"), "textarea", True),
            FormField("closure_code", N_("Closure code"), required=True),
        )),
        Action("confirm", "confirm", N_("This is solved")),
        Action("cancel", "cancel", N_("Cancel the ticket"), (_reason(),)),
    )
}  # fmt: skip

# The order the page lists them in.
ORDER = tuple(ACTIONS)


# What the portal offers a requester (dispatch's customer desk commands).
CUSTOMER = frozenset({"confirm", "cancel"})


def offered(allowed: list[str], staff: bool = True) -> list[Action]:
    """The forms for the allowed commands; a requester gets only the customer's ones."""
    return [ACTIONS[n] for n in ORDER if n in allowed and (staff or n in CUSTOMER)]


def body_for(action: Action, form: Mapping[str, Any]) -> dict[str, str]:
    """The command's JSON body: the action's fields the form filled in (blank ones left
    out, so dispatch applies its defaults or names the missing field)."""
    body = {}
    for field in action.fields:
        value = form.get(field.name)
        if isinstance(value, str) and value.strip():
            body[field.name] = value.strip()
    return body
