"""Business calendars: when a tenant works, and arithmetic on business time.

Pure: no I/O, no clock. Every instant is an aware ``datetime``; results are in UTC.
Working hours are local wall-clock intervals of one local day (a day's hours end at the
latest at 24:00), so the calendar is DST-correct by construction: each interval is turned
into UTC instants through the calendar's zone before any arithmetic, and a day that loses
or gains an hour to DST simply has one hour less or more of working time.

A calendar may be based on a country's official calendar (a :class:`Preset`: the public
holidays and make-up working days of some years, looked up by the application through a
port and stored here as plain dates), with the tenant's own dates kept separately on top.
What the tenant says about a date beats what the preset says about it. A local date works
by the first of these rules that applies (the tenant's own holidays and extra working days
never share a date: such a calendar is refused):

1. the tenant's extra working day (调休 make-up day) works its own listed hours;
2. the tenant's holiday (a single date or a date inside a range) does not work, even on a
   preset make-up day;
3. a date the tenant removed from the preset falls through to its weekday;
4. a preset make-up working day works the preset's ``workday_hours`` (by default the
   hours of the first weekday, Monday first, that has hours);
5. a preset holiday does not work;
6. otherwise the weekday's hours apply.
"""

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from itertools import pairwise
from zoneinfo import ZoneInfo

DAY_SECONDS = 86_400
SECOND = timedelta(seconds=1)
# A calendar with no working time in this many consecutive days is treated as broken
# rather than searched forever.
MAX_IDLE_DAYS = 3 * 366


class CalendarError(ValueError):
    """A calendar that cannot be used: bad zone, overlapping hours, no working time."""


@dataclass(frozen=True, order=True)
class WorkingHours:
    """``[start, end)`` in seconds since local midnight; ``end`` may be 86 400 (24:00)."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end <= DAY_SECONDS:
            raise CalendarError(f"working hours {self.start}-{self.end} are not within a day")

    @classmethod
    def parse(cls, text: str) -> "WorkingHours":
        """``"09:00-12:00"``; ``"24:00"`` is accepted as an end."""
        start, _, end = text.partition("-")
        return cls(_seconds_of_day(start), _seconds_of_day(end))

    def __str__(self) -> str:
        return f"{_clock_text(self.start)}-{_clock_text(self.end)}"


DayHours = tuple[WorkingHours, ...]


class DayKind(StrEnum):
    HOLIDAY = "holiday"
    WORKDAY = "workday"  # a make-up working day on what would be a day off


class Origin(StrEnum):
    PRESET = "preset"
    TENANT = "tenant"


@dataclass(frozen=True)
class PresetDay:
    """One date of an official calendar: a public holiday or a make-up working day."""

    day: date
    kind: DayKind
    name: str


@dataclass(frozen=True)
class Preset:
    """A country's (or subdivision's) official calendar for some years, as plain data.

    ``years`` are the years whose dates are in ``days`` (materialised by the application,
    which owns the data source); ``removed`` are dates of the preset the tenant does not
    follow (they fall through to the weekday); ``workday_hours`` are the hours of a preset
    make-up working day (empty: the calendar's first weekday with hours).
    """

    country: str
    subdivision: str | None = None
    years: frozenset[int] = frozenset()
    days: Mapping[date, PresetDay] = field(default_factory=dict)
    removed: frozenset[date] = frozenset()
    workday_hours: DayHours = ()

    def __post_init__(self) -> None:
        _check_disjoint(self.workday_hours)
        for day, entry in self.days.items():
            if day != entry.day or day.year not in self.years:
                raise CalendarError(f"preset date {day} is not one of its years")

    def same_source(self, other: "Preset") -> bool:
        return (self.country, self.subdivision) == (other.country, other.subdivision)


@dataclass(frozen=True)
class DayNote:
    """Why a date is special, for the calendar's explanation: a holiday or a make-up working
    day, from the preset (with the holiday's name) or from the tenant. ``replaces`` is the
    preset's entry for that date that the tenant's own overrode."""

    day: date
    kind: DayKind
    origin: Origin
    name: str | None = None
    hours: DayHours = ()
    replaces: PresetDay | None = None


@dataclass(frozen=True)
class Calendar:
    zone: str = "Asia/Shanghai"
    # weekday (0 = Monday … 6 = Sunday) → that day's intervals, sorted, not overlapping
    weekly: Mapping[int, DayHours] = field(default_factory=dict)
    # the tenant's own holidays and make-up days (on top of the preset, if any)
    holidays: frozenset[date] = frozenset()
    extra_working_days: Mapping[date, DayHours] = field(default_factory=dict)
    preset: Preset | None = None
    # every date whose hours differ from its weekday's rule, the rules above applied once
    _special: Mapping[date, DayHours] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.zone)
        except (ValueError, KeyError) as error:
            raise CalendarError(f"unknown time zone {self.zone!r}") from error
        for weekday, hours in self.weekly.items():
            if weekday not in range(7):
                raise CalendarError(f"weekday {weekday} is not 0 (Monday) … 6 (Sunday)")
            _check_disjoint(hours)
        for day, hours in self.extra_working_days.items():
            if not hours:
                raise CalendarError(f"extra working day {day} has no working hours")
            _check_disjoint(hours)
        both = sorted(self.holidays & self.extra_working_days.keys())
        if both:
            dates = ", ".join(str(d) for d in both)
            raise CalendarError(f"{dates}: a date cannot be both a holiday and a working day")
        if not any(self.weekly.values()) and not any(self.extra_working_days.values()):
            raise CalendarError("the calendar has no working hours at all")
        object.__setattr__(self, "_special", self._special_days())

    def _special_days(self) -> dict[date, DayHours]:
        special: dict[date, DayHours] = {}
        if self.preset is not None:
            workday = self.preset_workday_hours()
            for day, entry in self.preset.days.items():
                if day not in self.preset.removed:
                    special[day] = workday if entry.kind is DayKind.WORKDAY else ()
        special.update(dict.fromkeys(self.holidays, ()))
        special.update(self.extra_working_days)
        return special

    def preset_workday_hours(self) -> DayHours:
        """The hours a preset make-up working day works."""
        if self.preset is None:
            return ()
        if self.preset.workday_hours:
            return self.preset.workday_hours
        hours = next((self.weekly[d] for d in range(7) if self.weekly.get(d)), ())
        if not hours and any(e.kind is DayKind.WORKDAY for e in self.preset.days.values()):
            raise CalendarError("preset make-up days need hours: no weekday has any")
        return hours

    @property
    def effective_holidays(self) -> frozenset[date]:
        """Every date that does not work although its weekday might (tenant's and preset's)."""
        return frozenset(day for day, hours in self._special.items() if not hours)

    @property
    def effective_working_days(self) -> Mapping[date, DayHours]:
        """Every make-up working day (tenant's and preset's) with the hours it works."""
        return {day: hours for day, hours in self._special.items() if hours}

    def day_notes(self) -> list[DayNote]:
        """Each special date in order, with where its rule came from."""
        preset = self.preset or Preset("")
        return [
            self._note(day, hours, None if day in preset.removed else preset.days.get(day))
            for day, hours in sorted(self._special.items())
        ]

    def _note(self, day: date, hours: DayHours, entry: PresetDay | None) -> DayNote:
        kind = DayKind.WORKDAY if hours else DayKind.HOLIDAY
        if day in self.holidays or day in self.extra_working_days:
            return DayNote(day, kind, Origin.TENANT, None, hours, entry)
        assert entry is not None  # only the tenant's and the preset's dates are special
        return DayNote(day, kind, Origin.PRESET, entry.name, hours)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.zone)

    def hours_on(self, day: date) -> DayHours:
        hours = self._special.get(day)
        if hours is not None:
            return hours
        return self.weekly.get(day.weekday(), ())

    def is_business_day(self, day: date) -> bool:
        return bool(self.hours_on(day))

    def intervals_on(self, day: date) -> list[tuple[datetime, datetime]]:
        """That local day's working intervals as UTC instants, sorted and disjoint.

        A DST gap can shorten an interval or swallow it whole; intervals that touch in UTC
        after the conversion are merged, so a day never counts an instant twice.
        """
        merged: list[tuple[datetime, datetime]] = []
        for hours in self.hours_on(day):
            start, end = self._instant(day, hours.start), self._instant(day, hours.end)
            if start >= end:
                continue
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], end))
            else:
                merged.append((start, end))
        return merged

    def _instant(self, day: date, seconds: int) -> datetime:
        """The UTC instant of a local wall time.

        - A wall time inside a spring-forward gap does not exist; it means the instant of
          the shift, so ``02:30-03:30`` on Berlin's spring-forward night is 03:00-03:30
          (30 minutes), and an interval lying wholly inside the gap is empty.
        - A wall time inside the repeated fall-back hour means its first occurrence: an
          interval ending at 02:30 ends the first time the clock shows 02:30, and one
          starting at 02:30 includes the repeated half hour (as the wall clock does).
        """
        day += timedelta(days=seconds // DAY_SECONDS)
        rest = seconds % DAY_SECONDS
        wall = datetime.combine(day, time(rest // 3600, rest % 3600 // 60, rest % 60))
        first = wall.replace(tzinfo=self.tz).astimezone(UTC)
        if first.astimezone(self.tz).replace(tzinfo=None) == wall:
            return first
        return _shift_before(self.tz, wall.replace(tzinfo=self.tz, fold=1).astimezone(UTC), first)

    def local_date(self, instant: datetime) -> date:
        return instant.astimezone(self.tz).date()

    def intervals_from(self, instant: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Working intervals (UTC) that end after ``instant``, clipped to start at it."""
        instant = _utc(instant)
        day, idle = self.local_date(instant) - timedelta(days=1), 0
        while idle <= MAX_IDLE_DAYS:
            intervals = self.intervals_on(day)
            idle = 0 if intervals else idle + 1
            for start, end in intervals:
                if end > instant:
                    yield max(start, instant), end
            day += timedelta(days=1)
        raise CalendarError(f"no working time within {MAX_IDLE_DAYS} days after {instant}")


def _shift_before(tz: ZoneInfo, low: datetime, high: datetime) -> datetime:
    """The instant in ``(low, high]`` at which ``tz``'s UTC offset changes (a DST shift),
    found by bisection to the second; offsets change on whole seconds."""
    offset = low.astimezone(tz).utcoffset()
    while high - low > SECOND:
        middle = low + (high - low) / 2
        if middle.astimezone(tz).utcoffset() == offset:
            low = middle
        else:
            high = middle
    return high.replace(microsecond=0) if high.microsecond else high


def add_business_time(calendar: Calendar, start: datetime, amount: timedelta) -> datetime:
    """The instant at which ``amount`` of business time has passed since ``start``.

    A positive amount that ends exactly at the close of an interval yields that close
    (18:00), not the next opening; zero yields ``start`` itself.
    """
    if amount < timedelta(0):
        raise ValueError("business time to add must not be negative")
    start = _utc(start)
    if amount == timedelta(0):
        return start
    left = amount
    for begin, end in calendar.intervals_from(start):
        if left <= end - begin:
            return begin + left
        left -= end - begin
    raise AssertionError("unreachable: intervals_from raises before it ends")


def business_time_between(calendar: Calendar, start: datetime, end: datetime) -> timedelta:
    """Working time inside ``[start, end)``: zero for an empty span, an error for a negative
    one (a caller that swapped its instants has a bug that a zero would hide)."""
    start, end = _utc(start), _utc(end)
    total = timedelta(0)
    if end < start:
        raise ValueError(f"the span {start.isoformat()} … {end.isoformat()} ends before it starts")
    if end == start:
        return total
    for begin, close in calendar.intervals_from(start):
        if begin >= end:
            break
        total += min(close, end) - begin
    return total


def add_business_seconds(calendar: Calendar, start: datetime, seconds: int) -> datetime:
    return add_business_time(calendar, start, timedelta(seconds=seconds))


def business_seconds_between(calendar: Calendar, start: datetime, end: datetime) -> int:
    """Whole business seconds in ``[start, end)`` (a partial second is not counted)."""
    return business_time_between(calendar, start, end) // SECOND


def end_of_nth_business_day(calendar: Calendar, start: datetime, n: int) -> datetime:
    """The close of the ``n``-th business day after the local day of ``start``.

    The day of ``start`` itself is not counted (as in 民法典 art. 201: a period counted in
    days begins the next day), so "3 working days" from Friday 10:00 ends on Wednesday at
    close of business, never after 72 elapsed hours.
    """
    if n < 1:
        raise ValueError("n must be at least 1")
    day, found, idle = calendar.local_date(start), 0, 0
    while idle <= MAX_IDLE_DAYS:
        day += timedelta(days=1)
        intervals = calendar.intervals_on(day)
        idle = 0 if intervals else idle + 1
        found += bool(intervals)
        if found == n:
            return intervals[-1][1]
    raise CalendarError(f"no working day within {MAX_IDLE_DAYS} days after {start}")


def expand_dates(first: date, last: date) -> frozenset[date]:
    """Every date of an inclusive range (a holiday period such as 10-01 … 10-07)."""
    if last < first:
        raise CalendarError(f"date range {first} … {last} ends before it starts")
    return frozenset(first + timedelta(days=i) for i in range((last - first).days + 1))


def weekly_hours(days: Iterable[int], *hours: str) -> dict[int, DayHours]:
    """``weekly_hours(range(5), "09:00-12:00", "13:00-18:00")``: the same hours each day."""
    parsed = tuple(sorted(WorkingHours.parse(text) for text in hours))
    return {day: parsed for day in days}


def always_open(zone: str = "UTC") -> Calendar:
    """24×7: business time equals elapsed time (natural-hours SLAs, tests)."""
    return Calendar(zone=zone, weekly=weekly_hours(range(7), "00:00-24:00"))


def _check_disjoint(hours: DayHours) -> None:
    ordered = sorted(hours)
    for earlier, later in pairwise(ordered):
        if later.start < earlier.end:
            raise CalendarError(f"working hours {earlier} and {later} overlap")


def _seconds_of_day(text: str) -> int:
    hours, _, minutes = text.strip().partition(":")
    try:
        h, m = int(hours), int(minutes or 0)
    except ValueError as error:
        raise CalendarError(f"{text!r} is not a HH:MM time") from error
    if not (0 <= m < 60 and 0 <= h <= 24) or (h == 24 and m):
        raise CalendarError(f"{text!r} is not a time of day")
    return h * 3600 + m * 60


def _clock_text(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


def _utc(instant: datetime) -> datetime:
    if instant.tzinfo is None:
        raise ValueError("business time needs aware datetimes")
    return instant.astimezone(UTC)


def default_calendar() -> Calendar:
    """A tenant without its own calendar: Mon–Fri 09:00–18:00, Asia/Shanghai."""
    return Calendar(weekly=weekly_hours(range(5), "09:00-18:00"))
