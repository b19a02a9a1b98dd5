"""What a ticket list asks for: filters within one tenant, and a page of a stable order.

Lists are ordered by registration, newest first (or oldest first), and continue from a
cursor, the last ticket's list key: a page never repeats or skips a ticket while new ones
arrive, which an offset would.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from services.gateway.domain.callers import Caller, is_staff
from services.gateway.domain.projection import ARCHIVED_STATUSES, IN_FLIGHT_STATUSES, OPEN_STATUSES
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
    # Any of these groups / regions (a saved view's: the caller's own).
    groups: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    watcher: str | None = None
    submitted_by: str | None = None
    done_by: str | None = None  # tickets this person handled that have moved on
    overdue: bool | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None
    updated_from: datetime | None = None
    updated_to: datetime | None = None
    # Keyword tokens (see search.py), and a number: exact, or a prefix ending in ``*``.
    tokens: tuple[str, ...] = ()
    number: str | None = None
    # A saved view narrowed by a filter it excludes (history with status=assigned): no
    # ticket matches, and nothing is asked of the database.
    nothing: bool = False

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


def within(f: TicketFilter, statuses: Iterable[str]) -> TicketFilter:
    """``f``'s statuses that are among ``statuses`` (all of them when ``f`` names none)."""
    allowed = tuple(statuses)
    if not f.statuses:
        return replace(f, statuses=allowed)
    kept = tuple(s for s in f.statuses if s in allowed)
    return replace(f, statuses=kept, nothing=f.nothing or not kept)


def _severities(f: TicketFilter, severities: Iterable[str]) -> TicketFilter:
    allowed = tuple(severities)
    if not f.severities:
        return replace(f, severities=allowed)
    kept = tuple(s for s in f.severities if s in allowed)
    return replace(f, severities=kept, nothing=f.nothing or not kept)


def _assigned_to(f: TicketFilter, username: str) -> TicketFilter:
    clash = f.assignee not in (None, username) or f.unassigned
    return replace(f, assignee=username, nothing=f.nothing or clash)


def _mine(chosen: str | None, own: Iterable[str]) -> tuple[str, ...]:
    """The caller's own groups or regions; a filter on one of them narrows it to that one,
    on another one leaves none."""
    return tuple(sorted(g for g in own if chosen in (None, g)))


def _in_my_groups(f: TicketFilter, who: Caller) -> TicketFilter:
    kept = _mine(f.group, who.groups)
    return replace(f, group=None, groups=kept, nothing=f.nothing or not kept)


def _in_my_regions(f: TicketFilter, who: Caller) -> TicketFilter:
    kept = _mine(f.region, who.regions)
    return replace(f, region=None, regions=kept, nothing=f.nothing or not kept)


def _open(f: TicketFilter) -> TicketFilter:
    return within(f, OPEN_STATUSES)


def _unassigned(f: TicketFilter) -> TicketFilter:
    return replace(f, unassigned=True, nothing=f.nothing or f.assignee is not None)


def _my_done(f: TicketFilter, who: Caller) -> TicketFilter:
    clash = f.done_by not in (None, who.username)
    return replace(f, done_by=who.username, nothing=f.nothing or clash)


# In flight in a region: every status but the archived ones and quarantine (its own view).
_REGION_IN_FLIGHT = tuple(s for s in IN_FLIGHT_STATUSES if s != TicketStatus.QUARANTINED.value)

View = Callable[[TicketFilter, Caller], TicketFilter]

# The saved views of the back office, for the caller: name → the filter it narrows. Each
# takes the list's filters too; one the view excludes finds nothing.
SAVED_VIEWS: dict[str, View] = {
    "my-todo": lambda f, who: _assigned_to(_open(f), who.username),
    "my-watched": lambda f, who: replace(f, watcher=who.username),
    "dispatch-centre-queue": lambda f, who: _unassigned(within(f, (TicketStatus.NEW.value,))),
    "quarantine": lambda f, who: within(f, (TicketStatus.QUARANTINED.value,)),
    "major-and-urgent": lambda f, who: _severities(
        _open(f), (Severity.MAJOR.value, Severity.URGENT.value)
    ),
    # 本组处理: open tickets of the caller's groups (the token's groups claim).
    "my-group": lambda f, who: _in_my_groups(_open(f), who),
    # 个人已办: tickets the caller handled that someone else has now, or that are resolved
    # or closed.
    "my-done": _my_done,
    # 本地网工单: every ticket in flight in the caller's regions (the token's region claim).
    "region-in-flight": lambda f, who: _in_my_regions(within(f, _REGION_IN_FLIGHT), who),
    # 历史工单: closed and canceled tickets.
    "history": lambda f, who: within(f, ARCHIVED_STATUSES),
}


def saved_view(name: str, base: TicketFilter, caller: Caller) -> TicketFilter:
    """The view ``name`` of the caller, narrowed by the list filters in ``base``."""
    choose = SAVED_VIEWS.get(name)
    if choose is None:
        raise InvalidFields({"view": f"is one of {', '.join(SAVED_VIEWS)}"})
    return choose(base, caller)
