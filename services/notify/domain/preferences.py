"""People's and tenants' wishes: which channels for which kind of notice, which language,
quiet hours in the person's own time zone; and the per-ticket "don't notify me"."""

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from services.notify.domain.channels import Channel
from services.notify.domain.rendering import LANGUAGES, Kind
from services.notify.domain.rules import DEFAULT_RULES, Audience

EMAIL_ONLY = frozenset({Channel.EMAIL})
SMS_AND_EMAIL = frozenset({Channel.SMS, Channel.EMAIL})
FEED = frozenset({Channel.IN_APP})
# Staff get an SMS for what needs them now (seed 002: "reminds the designated assignee by
# SMS"); everything else, and everything for customers but their ticket number, by e-mail.
# Every notice of a staff member is on their dashboard feed too (customers have none).
_NOW_KINDS = (Kind.ASSIGNED, Kind.TRANSFERRED, Kind.URGED, Kind.ESCALATED, Kind.SLA_WARNING,
              Kind.SLA_BREACHED, Kind.MAJOR_ALERT, Kind.REGISTERED)  # fmt: skip
DEFAULT_CHANNELS: Mapping[Kind, frozenset[Channel]] = {
    kind: (SMS_AND_EMAIL if kind in _NOW_KINDS else EMAIL_ONLY) | FEED for kind in Kind
}


@dataclass(frozen=True)
class TimeWindow:
    """A daily window in local time; ``start > end`` wraps past midnight (22:00–07:00)."""

    start: time
    end: time

    def __post_init__(self) -> None:
        if self.start == self.end:
            raise ValueError("a window needs a start different from its end")

    def contains(self, local: time) -> bool:
        if self.start < self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end

    def next_end(self, at: datetime, zone: ZoneInfo) -> datetime:
        """The first instant after ``at`` at which the local clock reads ``end``."""
        return _next_local(at, self.end, zone)

    def next_start_after(self, at: datetime, zone: ZoneInfo) -> datetime:
        """``at`` if it lies inside the window, else the window's next start."""
        if self.contains(at.astimezone(zone).time()):
            return at
        return _next_local(at, self.start, zone)


def _next_local(at: datetime, wall: time, zone: ZoneInfo) -> datetime:
    # Converting to UTC turns a wall time inside a DST gap into a real instant (zoneinfo
    # reads it with the offset before the gap); a repeated hour resolves to its first pass.
    local = at.astimezone(zone)
    day = local.date() if local.time() < wall else local.date() + timedelta(days=1)
    return datetime.combine(day, wall, zone).astimezone(UTC)


@dataclass(frozen=True)
class Person:
    """A member of a tenant's staff as notify knows them (their addresses, duty and
    preferences). Customers are the tickets' contacts and have no entry."""

    username: str
    tenant_id: str
    name: str | None = None
    phone: str | None = None
    email: str | None = None
    language: str | None = None
    time_zone: str | None = None
    quiet_hours: TimeWindow | None = None
    channels: Mapping[Kind, frozenset[Channel]] = field(default_factory=dict)
    on_duty: bool = False
    supervisor: bool = False
    leads: frozenset[str] = frozenset()  # the groups this person leads

    def __post_init__(self) -> None:
        _check_language(self.language)
        _check_zone(self.time_zone)


@dataclass(frozen=True)
class TenantNotifySettings:
    language: str = "zh-CN"
    time_zone: str = "Asia/Shanghai"
    channels: Mapping[Kind, frozenset[Channel]] = field(
        default_factory=lambda: dict(DEFAULT_CHANNELS)
    )
    quiet_hours: TimeWindow | None = None  # everybody's default, a person's own wins
    # Hours a channel may legally be used (some regulators forbid SMS at night): even a
    # critical notice waits for them.
    sms_hours: TimeWindow | None = None
    audiences: Mapping[Kind, frozenset[Audience]] = field(
        default_factory=lambda: dict(DEFAULT_RULES)
    )
    # Seconds an SMS or e-mail waits so that what else happens to the ticket meanwhile goes
    # out with it, one message per recipient and channel; 0: every notice on its own.
    digest_window_s: int = 0

    def __post_init__(self) -> None:
        _check_language(self.language)
        _check_zone(self.time_zone)


def _check_language(language: str | None) -> None:
    if language is not None and language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}")


def _check_zone(name: str | None) -> None:
    if name is not None:
        zone(name)


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ValueError, KeyError) as error:  # ZoneInfoNotFoundError is a KeyError
        raise ValueError(f"unknown time zone {name!r}") from error


@dataclass(frozen=True)
class OwnPreferences:
    """What a person may set for themselves: how they are told, never whether or where
    (phone, e-mail, duty, supervising and the groups they lead stay with the admins)."""

    language: str | None = None
    time_zone: str | None = None
    quiet_hours: TimeWindow | None = None
    channels: Mapping[Kind, frozenset[Channel]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        _check_language(self.language)
        _check_zone(self.time_zone)

    @classmethod
    def of(cls, person: Person | None) -> "OwnPreferences":
        if person is None:  # not in the directory: everything follows the tenant
            return cls()
        return cls(person.language, person.time_zone, person.quiet_hours, person.channels)

    def applied_to(self, person: Person | None, tenant_id: str, username: str) -> Person:
        """The directory entry with these preferences and everything else as it was (a
        new entry for someone not listed yet, with no addresses and off duty)."""
        current = person or Person(username, tenant_id)
        return replace(
            current, language=self.language, time_zone=self.time_zone,
            quiet_hours=self.quiet_hours, channels=dict(self.channels),
        )  # fmt: skip
