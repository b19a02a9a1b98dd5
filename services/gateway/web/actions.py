"""The workflow commands the ticket page offers as forms: which fields each asks for, and
the body dispatch takes, built from what the form posted.

Dispatch names the commands a ticket's status allows (``allowed_commands``); a page shows
those of them it has a form for. Where one command takes a different form depending on
the ticket (accept with an on-site appointment, resolve with the overdue reason, the
requester's escalation without a new assignee), each form has its own ``name`` and a
condition on the ticket's :class:`Situation`. Dispatch decides the rest: a 409 (not in
this status any more), 422 (a field), 403 (your role) is shown next to the form, and
nothing is applied.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, tzinfo
from typing import Any
from urllib.parse import quote

from services.gateway.web.i18n import N_
from shared.errors import InvalidFields
from shared.events.dispatch import EscalationReason

# What a field is on the page, and how the posted text becomes the body's value:
# text, textarea, select, date (ISO date as posted), datetime (a datetime-local input in
# the tenant's zone → an aware UTC instant), people (a comma list → a list of usernames).
TEXT, TEXTAREA, SELECT, DATE, DATETIME, PEOPLE = (
    "text", "textarea", "select", "date", "datetime", "people",
)  # fmt: skip


@dataclass(frozen=True)
class FormField:
    name: str  # the body's key; dotted for a nested object ("appointment.starts_at")
    label: str
    kind: str = TEXT
    required: bool = False
    choices: tuple[tuple[str, str], ...] = ()
    in_path: bool = False  # fills the path's ``{name}`` instead of the body


@dataclass(frozen=True)
class Situation:
    """What the page knows of the ticket and the visitor that picks a command's form."""

    staff: bool = True
    onsite: bool = False  # dispatch's ``needs_onsite``
    overdue: bool = False  # an SLA was breached (the ticket view or dispatch says so)
    watching: bool = False
    tags: tuple[str, ...] = ()


def situation(
    staff: bool, username: str, ticket: Mapping[str, Any], order: Mapping[str, Any]
) -> Situation:
    """From the gateway's ticket view (its SLA state) and dispatch's work order."""
    return Situation(
        staff=staff,
        onsite=bool(order.get("needs_onsite")),
        overdue=bool(ticket.get("overdue") or order.get("overdue")),
        watching=username in (order.get("watchers") or ()),
        tags=tuple(order.get("tags") or ()),
    )


def _always(_s: Situation) -> bool:
    return True


@dataclass(frozen=True)
class Action:
    command: str  # dispatch's name, as in ``allowed_commands``
    path: str  # the path under the ticket (the gateway's spelling), maybe with ``{field}``
    label: str
    fields: tuple[FormField, ...] = ()
    method: str = "POST"
    name: str = ""  # the form's own name where a command has several; default the command
    when: Callable[[Situation], bool] = field(default=_always, compare=False)
    staff: bool = True  # offered to staff
    customer: bool = False  # offered to a requester on the portal

    @property
    def key(self) -> str:
        return self.name or self.command


def _reason(required: bool = False) -> FormField:
    return FormField("reason", N_("Reason"), TEXTAREA, required)


def _note() -> FormField:
    return FormField("note", N_("Note"), TEXTAREA)


def _onsite(s: Situation) -> bool:
    return s.onsite


def _not_onsite(s: Situation) -> bool:
    return not s.onsite


def _overdue(s: Situation) -> bool:
    return s.overdue


def _on_time(s: Situation) -> bool:
    return not s.overdue


def _watching(s: Situation) -> bool:
    return s.watching


def _not_watching(s: Situation) -> bool:
    return not s.watching


def _tagged(s: Situation) -> bool:
    return bool(s.tags)


SEVERITIES = (("urgent", N_("Urgent")), ("major", N_("Major")), ("normal", N_("Normal")))
RISKS = (("low", N_("Low")), ("medium", N_("Medium")), ("high", N_("High")))
ESCALATION_LABELS = {
    EscalationReason.NEEDS_EXPERTISE: N_("Needs more expertise"),
    EscalationReason.NEEDS_ONSITE: N_("Needs an on-site visit"),
    EscalationReason.OUT_OF_SCOPE: N_("Out of our scope"),
    EscalationReason.CUSTOMER_REQUEST: N_("The customer asks for it"),
    EscalationReason.SLA_AT_RISK: N_("The deadline is at risk"),
    EscalationReason.MAJOR_IMPACT: N_("Major impact"),
    EscalationReason.VENDOR_REQUIRED: N_("Needs the vendor"),
}
# Dispatch's fixed list, in its order ("raise the priority" is deliberately not one).
ESCALATION_REASONS = tuple((r.value, ESCALATION_LABELS[r]) for r in EscalationReason)
_ESCALATION = FormField("reason", N_("Escalation reason"), SELECT, True, ESCALATION_REASONS)
_RESOLUTION = (
    FormField("cause", N_("Cause"), TEXTAREA, True),
    FormField("solution", N_("Solution"), TEXTAREA, True),
    FormField("closure_code", N_("Closure code"), required=True),
)
_MESSAGE = FormField("body", N_("Message"), TEXTAREA, True)
_REPLY = FormField("message", N_("Message"), TEXTAREA, True)

ACTIONS: dict[str, Action] = {
    a.key: a
    for a in (
        Action("assign", "assign", N_("Assign"), (
            FormField("assignee", N_("Assignee"), required=True),
            FormField("group", N_("Group")), _reason(),
        )),
        # 接单 with the agreed visit window for on-site work, else a sign-off (签单).
        Action("accept", "accept", N_("Accept"), when=_not_onsite),
        Action("accept", "accept", N_("Accept with an appointment"), (
            FormField("appointment.starts_at", N_("Visit from"), DATETIME, True),
            FormField("appointment.ends_at", N_("Visit until"), DATETIME, True),
        ), name="accept_onsite", when=_onsite),
        Action("start", "start", N_("Start work")),
        Action("transfer", "transfer", N_("Transfer"), (
            FormField("to_assignee", N_("To (username)"), required=True), _reason(True),
        )),
        # The same path without a person: back to the dispatch centre's queue.
        Action("return_to_centre", "transfer", N_("Return to the dispatch centre"),
               (_reason(True),)),
        Action("urge", "urge", N_("Urge"), (_note(),), customer=True),
        Action("tag", "tags", N_("Add a tag"), (FormField("tag", N_("Tag"), required=True),)),
        Action("untag", "tags/{tag}", N_("Remove a tag"), (
            FormField("tag", N_("Tag"), SELECT, True, in_path=True),
        ), method="DELETE", when=_tagged),
        Action("watch", "watchers/me", N_("Watch"), method="PUT", when=_not_watching),
        Action("unwatch", "watchers/me", N_("Stop watching"), method="DELETE", when=_watching),
        Action("share", "share", N_("Share"), (
            FormField("shared_with", N_("With (usernames, comma-separated)"), PEOPLE, True),
            _note(),
        )),
        Action("escalate", "escalate", N_("Escalate"), (
            _ESCALATION, FormField("assignee", N_("New assignee")),
            FormField("group", N_("New group")), _note(),
        )),
        # The requester's button: dispatch finds who takes over.
        Action("escalate", "escalate", N_("Escalate"), (_ESCALATION, _note()),
               name="escalate_customer", staff=False, customer=True),
        Action("upgrade_severity", "upgrade-severity", N_("Change severity"),
               (FormField("severity", N_("Severity"), SELECT, True, SEVERITIES), _reason())),
        Action("convert_to_problem", "problems", N_("Convert to a problem"), (
            FormField("title", N_("Title"), required=True),
            FormField("description", N_("Description"), TEXTAREA, True),
            FormField("impact", N_("Impact"), TEXTAREA),
        )),
        Action("submit_change", "changes", N_("Submit a change"), (
            FormField("title", N_("Title"), required=True),
            FormField("description", N_("Description"), TEXTAREA, True),
            FormField("risk", N_("Risk"), SELECT, True, RISKS),
            FormField("planned_start", N_("Planned start"), DATETIME, True),
            FormField("planned_end", N_("Planned end"), DATETIME, True),
            FormField("rollback_plan", N_("Rollback plan"), TEXTAREA, True),
        )),
        Action("comment", "comments", N_("Add an internal comment"),
               (FormField("body", N_("Comment"), TEXTAREA, True),)),
        Action("wait_customer", "wait-customer", N_("Wait for the customer"), (_reason(),)),
        Action("hold", "hold", N_("Put on hold"), (_reason(),)),
        Action("investigate", "investigate", N_("Investigate"), (_reason(),)),
        Action("resume", "resume", N_("Resume"), (_reason(),)),
        Action("resolve", "resolve", N_("Resolve"), _RESOLUTION, when=_on_time),
        # Once an SLA was breached dispatch wants the overdue reason (超时原因).
        Action("resolve", "resolve", N_("Resolve"), (
            *_RESOLUTION, FormField("overdue_reason", N_("Overdue reason"), TEXTAREA, True),
        ), name="resolve_overdue", when=_overdue),
        Action("approve", "approve", N_("Approve"), (
            FormField("comment", N_("Comment"), TEXTAREA),
            FormField("overdue_reason", N_("Overdue reason"), TEXTAREA),
        )),
        Action("reject", "reject", N_("Reject"), (_reason(True),)),
        Action("request_extension", "request-extension", N_("Ask for more time"), (
            FormField("until", N_("New deadline"), DATETIME, True), _reason(True),
        )),
        Action("approve_extension", "approve-extension", N_("Approve the extension"),
               (FormField("comment", N_("Comment"), TEXTAREA),)),
        Action("reject_extension", "reject-extension", N_("Reject the extension"),
               (_reason(True),)),
        Action("track", "track", N_("Follow up on a date"), (
            FormField("on", N_("Follow-up date"), DATE, True), _note(),
        )),
        Action("close_tracking", "close-tracking", N_("End the follow-up"), (_note(),)),
        Action("track_to_new_ticket", "track-to-new-ticket", N_("Follow up as a new ticket"),
               (FormField("description", N_("Description"), TEXTAREA),)),
        Action("customer_reply", "customer-reply", N_("Reply for the customer"), (_REPLY,)),
        Action("customer_reply", "customer-reply", N_("Reply"), (_REPLY,),
               name="customer_reply_customer", staff=False, customer=True),
        Action("portal_message", "portal-messages", N_("Send a portal message"), (_MESSAGE,)),
        Action("portal_message", "portal-messages", N_("Write to the desk"), (_MESSAGE,),
               name="portal_message_customer", staff=False, customer=True),
        Action("confirm", "confirm", N_("This is solved"), customer=True),
        Action("cancel", "cancel", N_("Cancel the ticket"), (_reason(),), customer=True),
    )
}  # fmt: skip

# The order the page lists them in.
ORDER = tuple(ACTIONS)


def offered(allowed: list[str], situation: Situation, shown: str | None = None) -> list[Action]:
    """The forms for the allowed commands that fit the ticket and the visitor (plus the
    ``shown`` one, whose refusal the page explains); dynamic choices filled in."""
    found = []
    for action in ACTIONS.values():
        audience = action.staff if situation.staff else action.customer
        fits = action.command in allowed and audience and action.when(situation)
        if fits or action.key == shown:
            found.append(_with_choices(action, situation))
    return found


def _with_choices(action: Action, situation: Situation) -> Action:
    if action.command != "untag":
        return action
    tags = tuple((t, t) for t in situation.tags)
    return replace(action, fields=tuple(replace(f, choices=tags) for f in action.fields))


def body_for(action: Action, form: Mapping[str, Any], zone: tzinfo = UTC) -> dict[str, Any]:
    """The command's JSON body: the action's fields the form filled in (blank ones left
    out, so dispatch applies its defaults or names the missing field), each converted
    by its kind; a value that cannot be is a 422 naming the field."""
    body: dict[str, Any] = {}
    for f in action.fields:
        value = form.get(f.name)
        if f.in_path or not isinstance(value, str) or not value.strip():
            continue
        _put(body, f.name, convert(f, value.strip(), zone))
    return body


def path_for(action: Action, form: Mapping[str, Any]) -> str:
    """The command's path, its ``{field}`` parts filled from the form (URL-quoted)."""
    values = {}
    for f in action.fields:
        if f.in_path:
            value = form.get(f.name)
            if not isinstance(value, str) or not value.strip():
                raise InvalidFields({f.name: "required"})
            values[f.name] = quote(value.strip(), safe="")
    return action.path.format(**values)


def convert(f: FormField, value: str, zone: tzinfo) -> Any:
    if f.kind == DATETIME:
        return local_to_utc(f.name, value, zone)
    if f.kind == PEOPLE:
        return people(value)
    return value


def local_to_utc(name: str, value: str, zone: tzinfo) -> str:
    """A ``datetime-local`` value (no offset: the wall time in ``zone``) as an aware UTC
    ISO instant; an offset the browser did send is kept."""
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidFields({name: f"{value!r} is not a date and time"}) from None
    if at.tzinfo is None:
        at = at.replace(tzinfo=zone)
    return at.astimezone(UTC).isoformat()


def people(value: str) -> list[str]:
    """Usernames separated by commas (also Chinese ones) or spaces, each once, in order."""
    for separator in ("，", "、", ";", "\n"):
        value = value.replace(separator, ",")
    names = [n.strip() for part in value.split(",") for n in part.split()]
    return list(dict.fromkeys(n for n in names if n))


def _put(body: dict[str, Any], name: str, value: Any) -> None:
    *parents, last = name.split(".")
    target = body
    for parent in parents:
        target = target.setdefault(parent, {})
    target[last] = value
