"""Who is told what: each kind of notice goes to audiences (the assignee, the requester,
the watchers…), per tenant, with the seeds' defaults. Resolving the audiences of one notice
gives each person once, never the one who did it."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from services.notify.domain.rendering import Kind
from services.notify.domain.tickets import FollowedTicket


class Audience(StrEnum):
    ASSIGNEE = "assignee"
    REQUESTER = "requester"  # the ticket's contact, and the portal user who submitted it
    WATCHERS = "watchers"  # watchers and the people the ticket was shared with
    SHARED_WITH = "shared_with"  # only those it was shared with by this event
    CONCERNED = "concerned"  # whom a QC decision is about: the person judged, the appellant
    GROUP_LEAD = "group_lead"  # the leads of the ticket's group
    SUPERVISORS_ON_DUTY = "supervisors_on_duty"
    EVERYONE_ON_DUTY = "everyone_on_duty"


A = Audience
# The seeds: a transfer reminds the new assignee by SMS (002, rule 11); the requester hears
# of every change of an open ticket (004); watchers follow it and people it is shared with
# get a message (000); a major incident reaches everybody on duty at once (000).
DEFAULT_RULES: Mapping[Kind, frozenset[Audience]] = {
    Kind.REGISTERED: frozenset({A.REQUESTER}),
    Kind.ASSIGNED: frozenset({A.ASSIGNEE, A.WATCHERS}),
    Kind.TRANSFERRED: frozenset({A.ASSIGNEE, A.WATCHERS}),
    Kind.URGED: frozenset({A.ASSIGNEE}),
    Kind.ESCALATED: frozenset({A.ASSIGNEE, A.GROUP_LEAD, A.SUPERVISORS_ON_DUTY, A.WATCHERS}),
    Kind.SLA_WARNING: frozenset({A.ASSIGNEE}),
    Kind.SLA_BREACHED: frozenset({A.ASSIGNEE, A.GROUP_LEAD, A.SUPERVISORS_ON_DUTY}),
    Kind.STATUS_CHANGED: frozenset({A.REQUESTER, A.WATCHERS}),
    Kind.PORTAL_MESSAGE: frozenset({A.REQUESTER, A.WATCHERS}),
    Kind.RESOLVED: frozenset({A.REQUESTER, A.WATCHERS}),
    Kind.CLOSED: frozenset({A.REQUESTER, A.WATCHERS}),
    Kind.MAJOR_ALERT: frozenset({A.EVERYONE_ON_DUTY}),
    Kind.REPEAT_COMPLAINT: frozenset({A.GROUP_LEAD, A.SUPERVISORS_ON_DUTY}),
    Kind.INSPECTION_FAILED: frozenset({A.ASSIGNEE, A.GROUP_LEAD}),
    Kind.SHARED: frozenset({A.SHARED_WITH}),
    # The judged unit hears of its judgement and of the appeal's outcome (its leads, and
    # the person judged or who appealed).
    Kind.RESPONSIBILITY_JUDGED: frozenset({A.CONCERNED, A.GROUP_LEAD}),
    Kind.APPEAL_DECIDED: frozenset({A.CONCERNED, A.GROUP_LEAD}),
}
# Critical notices bypass quiet hours and mutes (never a channel's legal limits).
CRITICAL = frozenset({Kind.MAJOR_ALERT})
ROSTER_AUDIENCES = frozenset({A.GROUP_LEAD, A.SUPERVISORS_ON_DUTY, A.EVERYONE_ON_DUTY})
CONTACT = "contact"  # the recipient key of the ticket's own contact


@dataclass(frozen=True)
class Notice:
    """What one event means to the people around the ticket."""

    kind: Kind
    event_id: str
    occurred_at: datetime
    actor: str
    details: dict[str, Any] = field(default_factory=dict)  # the event part of the context
    shared_with: tuple[str, ...] = ()
    concerned: tuple[str, ...] = ()
    unit: str | None = None  # whose leads are told: the judged unit, else the ticket's group

    @property
    def critical(self) -> bool:
        return self.kind in CRITICAL


@dataclass(frozen=True)
class Roster:
    """The tenant's people a notice may need beyond the ticket's own."""

    group_leads: tuple[str, ...] = ()
    supervisors_on_duty: tuple[str, ...] = ()
    on_duty: tuple[str, ...] = ()


@dataclass(frozen=True)
class Recipient:
    key: str  # a username, or CONTACT for the ticket's contact
    audience: Audience

    @property
    def username(self) -> str | None:
        return None if self.key == CONTACT else self.key


def recipients(
    notice: Notice, ticket: FollowedTicket, audiences: Iterable[Audience], roster: Roster
) -> list[Recipient]:
    """Everybody the notice is for, each once (by the first audience that names them, in
    the order of ``Audience``), never the person whose action it was."""
    found: dict[str, Recipient] = {}
    wanted = frozenset(audiences)
    for audience in Audience:
        if audience not in wanted:
            continue
        for key in _members(audience, notice, ticket, roster):
            if key and key != notice.actor and key not in found:
                found[key] = Recipient(key, audience)
    return list(found.values())


def _members(
    audience: Audience, notice: Notice, ticket: FollowedTicket, roster: Roster
) -> Iterable[str | None]:
    members: dict[Audience, Any] = {
        A.ASSIGNEE: lambda: [ticket.get("assignee")],
        A.REQUESTER: lambda: _requesters(ticket),
        A.WATCHERS: lambda: [*ticket.watchers, *sorted(ticket.shared_with)],
        A.SHARED_WITH: lambda: notice.shared_with,
        A.CONCERNED: lambda: notice.concerned,
        A.GROUP_LEAD: lambda: roster.group_leads,
        A.SUPERVISORS_ON_DUTY: lambda: roster.supervisors_on_duty,
        A.EVERYONE_ON_DUTY: lambda: roster.on_duty,
    }
    result: Iterable[str | None] = members[audience]()
    return result


def _requesters(ticket: FollowedTicket) -> list[str | None]:
    has_contact = ticket.get("contact_phone") or ticket.get("contact_email")
    return [CONTACT if has_contact else None, ticket.get("submitted_by")]
