"""What a ticket list asks for: filters within one tenant, and a page of a stable order.

Lists are ordered by registration, newest first (or oldest first), and continue from a
cursor, the last ticket's list key: a page never repeats or skips a ticket while new ones
arrive, which an offset would.
"""

from dataclasses import dataclass, replace
from datetime import datetime

from services.gateway.domain.callers import Caller, is_staff
from services.gateway.domain.projection import OPEN_STATUSES
from services.gateway.domain.search import query_tokens
from shared.errors import InvalidFields
from shared.events.vocabulary import Severity, TicketStatus


@dataclass(frozen=True)
class TicketFilter:
    tenant_id: str
    statuses: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    priorities: tuple[str, ...] = ()
    severities: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    tag: str | None = None
    assignee: str | None = None
    unassigned: bool = False
    group: str | None = None
    region: str | None = None
    watcher: str | None = None
    submitted_by: str | None = None
    overdue: bool | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None
    updated_from: datetime | None = None
    updated_to: datetime | None = None
    # Keyword tokens (see search.py), and a number: exact, or a prefix ending in ``*``.
    tokens: tuple[str, ...] = ()
    number: str | None = None

    def with_text(self, text: str | None) -> "TicketFilter":
        if text is None:
            return self
        tokens = tuple(query_tokens(text))
        if not tokens:
            raise InvalidFields({"q": "has no letters or digits to search for"})
        return replace(self, tokens=tokens)


@dataclass(frozen=True)
class Page:
    limit: int
    after: str | None = None
    oldest_first: bool = False


def readable_by(f: TicketFilter, caller: Caller) -> TicketFilter:
    """Staff list their tenant's tickets; a requester only those they submitted."""
    return f if is_staff(caller) else replace(f, submitted_by=caller.username)


def _open(f: TicketFilter) -> TicketFilter:
    return replace(f, statuses=tuple(OPEN_STATUSES))


# The saved views of the seeds' to-do lists, for the caller: name → filter.
SAVED_VIEWS = {
    "my-todo": lambda f, who: replace(_open(f), assignee=who.username),
    "my-watched": lambda f, who: replace(f, watcher=who.username),
    "dispatch-centre-queue": lambda f, who: replace(
        f, statuses=(TicketStatus.NEW.value,), unassigned=True
    ),
    "quarantine": lambda f, who: replace(f, statuses=(TicketStatus.QUARANTINED.value,)),
    "major-and-urgent": lambda f, who: replace(
        _open(f), severities=(Severity.MAJOR.value, Severity.URGENT.value)
    ),
}


def saved_view(name: str, tenant_id: str, caller: Caller) -> TicketFilter:
    choose = SAVED_VIEWS.get(name)
    if choose is None:
        raise InvalidFields({"view": f"is one of {', '.join(SAVED_VIEWS)}"})
    return choose(TicketFilter(tenant_id), caller)
