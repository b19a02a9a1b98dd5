"""申告: a complaint repeating an open one from the same contact within a window."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from shared.events.vocabulary import TicketType


@dataclass(frozen=True)
class RepeatRule:
    window: timedelta
    types: frozenset[TicketType]
    same_service: bool = True


@dataclass(frozen=True)
class Prior:
    """What the rule needs to know of an earlier ticket."""

    ticket_id: str
    contact_keys: frozenset[str]
    type: TicketType
    service: str | None
    registered_at: datetime
    open: bool


@dataclass(frozen=True)
class Candidate:
    contact_keys: frozenset[str]
    type: TicketType
    service: str | None
    at: datetime


def find_original(candidate: Candidate, earlier: Iterable[Prior], rule: RepeatRule) -> Prior | None:
    """The earliest open ticket this one repeats, or None."""
    if candidate.type not in rule.types or not candidate.contact_keys or not rule.window:
        return None
    matches = [p for p in earlier if _repeats(candidate, p, rule)]
    return min(matches, key=lambda p: p.registered_at, default=None)


def _repeats(candidate: Candidate, prior: Prior, rule: RepeatRule) -> bool:
    return (
        prior.open
        and prior.type == candidate.type
        and (not rule.same_service or prior.service == candidate.service)
        and bool(prior.contact_keys & candidate.contact_keys)
        and candidate.at - rule.window <= prior.registered_at <= candidate.at
    )
