"""HTTP bodies and views of the SLA API (validation becomes 422 naming the field)."""

from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from services.sla.domain.calendar import (
    Calendar,
    CalendarError,
    DayHours,
    DayNote,
    Preset,
    WorkingHours,
    expand_dates,
)
from services.sla.domain.policy import Policy, Target, TargetUnit, TenantSettings
from shared.events.sla import SlaMetric
from shared.events.vocabulary import Priority, Severity, TicketStatus, TicketType

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# The statuses in which a clock may be told to stop moving: the sub-states of work in
# progress. A final or unstarted status as a pause would freeze a clock for good.
PAUSABLE = frozenset(
    {
        TicketStatus.WAITING_CUSTOMER,
        TicketStatus.ON_HOLD,
        TicketStatus.INVESTIGATION,
        TicketStatus.ESCALATED,
    }
)
# Upper bounds of a target: about four years of office hours. A longer SLA is a typo, and
# an unbounded one would make every due-time computation walk the calendar for ever.
MAX_BUSINESS_HOURS = 10_000
MAX_WORKING_DAYS = 1_000
# A holiday range is a holiday season, not an era: a calendar is one document.
MAX_RANGE_DAYS = 366
Name = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[^\x00-\x1f\x7f]*$")]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _day_hours(texts: list[str]) -> DayHours:
    try:
        return tuple(sorted(WorkingHours.parse(t) for t in texts))
    except CalendarError as error:
        raise ValueError(str(error)) from error


def _checked(**calendar: Any) -> None:
    try:
        Calendar(**calendar)
    except CalendarError as error:
        raise ValueError(str(error)) from error


class DateRange(_Body):
    start: date = Field(alias="from")
    end: date = Field(alias="to")

    @model_validator(mode="after")
    def _ordered(self) -> "DateRange":
        if self.end < self.start:
            raise ValueError("'to' is before 'from'")
        if (self.end - self.start).days >= MAX_RANGE_DAYS:
            raise ValueError(f"a holiday range spans at most {MAX_RANGE_DAYS} days")
        return self


class HolidayList(_Body):
    """A holiday list to import: single dates, ranges, and the make-up days that go with them."""

    holidays: list[date | DateRange] = Field(default_factory=list, max_length=400)
    extra_working_days: dict[date, list[str]] = Field(default_factory=dict, max_length=400)
    replace: bool = Field(default=False, strict=True)

    @field_validator("extra_working_days")
    @classmethod
    def _hours(cls, value: dict[date, list[str]], info: ValidationInfo) -> dict[date, list[str]]:
        for day, texts in value.items():
            if not _day_hours(texts):
                raise ValueError(f"extra working day {day} has no working hours")
        holidays = _dates(info.data.get("holidays", []))
        both = sorted(holidays & value.keys())
        if both:
            dates = ", ".join(str(d) for d in both)
            raise ValueError(f"{dates}: a date cannot be both a holiday and a working day")
        return value

    def holiday_dates(self) -> frozenset[date]:
        return _dates(self.holidays)

    def extra_days(self) -> dict[date, DayHours]:
        return {day: _day_hours(texts) for day, texts in self.extra_working_days.items()}


# Years a preset is asked for beyond the rolling horizon (the service adds last, this and
# next year itself): a few past years for old tickets, not a century.
MAX_PRESET_YEARS = 10


class PresetBody(_Body):
    """An official calendar to base the tenant's on: ``country`` (ISO 3166 code, e.g. ``CN``,
    ``RU``), ``subdivision`` where it matters (``DE`` + ``BY``), extra ``years``, the preset
    dates the tenant does not follow (``removed``), and the hours of a preset make-up
    working day (default: the calendar's first weekday with hours)."""

    country: str = Field(pattern=r"^[A-Za-z]{2,3}$")
    subdivision: str | None = Field(default=None, min_length=1, max_length=40,
                                    pattern=r"^[^\x00-\x1f\x7f]*$")  # fmt: skip
    years: list[Annotated[int, Field(strict=True, ge=1950, le=2100)]] = Field(
        default_factory=list, max_length=MAX_PRESET_YEARS
    )
    removed: list[date | DateRange] = Field(default_factory=list, max_length=400)
    workday_hours: list[Annotated[str, Field(max_length=11)]] = Field(
        default_factory=list, max_length=12
    )

    @field_validator("workday_hours")
    @classmethod
    def _hours(cls, value: list[str]) -> list[str]:
        _checked(weekly={0: _day_hours(value or ["09:00-10:00"])})
        return value

    def to_preset(self) -> Preset:
        return Preset(
            country=self.country.upper(),
            subdivision=self.subdivision,
            years=frozenset(self.years),
            removed=_dates(self.removed),
            workday_hours=_day_hours(self.workday_hours),
        )


class CalendarBody(HolidayList):
    """``weekly`` maps ``mon`` … ``sun`` to intervals such as ``["09:00-12:00", "13:00-18:00"]``;
    ``preset`` bases the calendar on an official one, ``holidays`` and
    ``extra_working_days`` are then the tenant's own dates on top of it."""

    zone: str = Field(default="Asia/Shanghai", max_length=64)
    weekly: dict[str, list[Annotated[str, Field(max_length=11)]]] = Field(max_length=7)
    preset: PresetBody | None = None

    @field_validator("weekly")
    @classmethod
    def _weekly(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        for day, texts in value.items():
            if day not in WEEKDAYS:
                raise ValueError(f"{day!r} is not one of {', '.join(WEEKDAYS)}")
            hours = _day_hours(texts)
            if hours:
                _checked(weekly={0: hours})
        if not any(value.values()):
            raise ValueError("at least one day needs working hours")
        return value

    @field_validator("zone")
    @classmethod
    def _zone(cls, value: str) -> str:
        _checked(zone=value, weekly={0: _day_hours(["09:00-10:00"])})
        return value

    def to_calendar(self) -> Calendar:
        return Calendar(
            zone=self.zone,
            weekly={WEEKDAYS.index(day): _day_hours(texts) for day, texts in self.weekly.items()},
            holidays=self.holiday_dates(),
            extra_working_days=self.extra_days(),
            preset=self.preset.to_preset() if self.preset else None,
        )


def _dates(items: list[date | DateRange]) -> frozenset[date]:
    days: set[date] = set()
    for item in items:
        days |= {item} if isinstance(item, date) else expand_dates(item.start, item.end)
    return frozenset(days)


def calendar_view(calendar: Calendar, own: bool) -> dict[str, Any]:
    return {
        "zone": calendar.zone,
        "own": own,
        "weekly": {
            WEEKDAYS[d]: [str(h) for h in hours] for d, hours in sorted(calendar.weekly.items())
        },
        "holidays": sorted(calendar.holidays),
        "extra_working_days": {
            day: [str(h) for h in hours]
            for day, hours in sorted(calendar.extra_working_days.items())
        },
        "preset": _preset_view(calendar.preset),
        "days": [_day_view(note) for note in calendar.day_notes()],
    }


def _preset_view(preset: Preset | None) -> dict[str, Any] | None:
    if preset is None:
        return None
    return {
        "country": preset.country,
        "subdivision": preset.subdivision,
        "years": sorted(preset.years),
        "removed": sorted(preset.removed),
        "workday_hours": [str(h) for h in preset.workday_hours],
    }


def _day_view(note: DayNote) -> dict[str, Any]:
    """A special date: ``kind`` holiday or workday, ``origin`` preset or tenant, the
    holiday's ``name`` (preset), a workday's ``hours``, and the preset entry a tenant's
    own date ``replaces``."""
    replaced = note.replaces
    return {
        "date": note.day,
        "kind": note.kind.value,
        "origin": note.origin.value,
        "name": note.name,
        "hours": [str(h) for h in note.hours],
        "replaces": {"kind": replaced.kind.value, "name": replaced.name} if replaced else None,
    }


class TargetBody(_Body):
    """Exactly one of the amounts; hours and minutes are business hours and minutes."""

    metric: SlaMetric
    business_hours: float | None = Field(
        default=None, gt=0, le=MAX_BUSINESS_HOURS, strict=True, allow_inf_nan=False
    )
    business_minutes: int | None = Field(
        default=None, gt=0, le=MAX_BUSINESS_HOURS * 60, strict=True
    )
    business_seconds: int | None = Field(
        default=None, gt=0, le=MAX_BUSINESS_HOURS * 3600, strict=True
    )
    working_days: int | None = Field(default=None, gt=0, le=MAX_WORKING_DAYS, strict=True)

    @field_validator("business_hours")
    @classmethod
    def _at_least_a_second(cls, value: float | None) -> float | None:
        if value is not None and round(value * 3600) < 1:
            raise ValueError("a target shorter than one second cannot be measured")
        return value

    @model_validator(mode="after")
    def _one_amount(self) -> "TargetBody":
        given = [
            self.business_hours,
            self.business_minutes,
            self.business_seconds,
            self.working_days,
        ]
        if sum(v is not None for v in given) != 1:
            raise ValueError("give exactly one of business_hours, business_minutes, "
                             "business_seconds, working_days")  # fmt: skip
        return self

    def to_target(self) -> Target:
        if self.working_days is not None:
            return Target(self.metric, self.working_days, TargetUnit.WORKING_DAYS)
        seconds = self.business_seconds or (self.business_minutes or 0) * 60
        seconds = seconds or round((self.business_hours or 0) * 3600)
        return Target(self.metric, seconds)


class PolicyBody(_Body):
    policy_id: Name
    targets: list[TargetBody] = Field(min_length=1, max_length=10)
    types: list[TicketType] = Field(default_factory=list)
    severities: list[Severity] = Field(default_factory=list)
    priorities: list[Priority] = Field(default_factory=list)
    services: list[Name] = Field(default_factory=list, max_length=100)
    thresholds: list[Annotated[int, Field(strict=True)]] = Field(
        default=[50, 75, 90], max_length=10
    )
    pause_statuses: list[TicketStatus] = Field(
        default=[TicketStatus.WAITING_CUSTOMER, TicketStatus.ON_HOLD]
    )

    @field_validator("thresholds")
    @classmethod
    def _percentages(cls, value: list[int]) -> list[int]:
        if any(not 0 < p < 100 for p in value):
            raise ValueError("thresholds are percentages between 1 and 99")
        return value

    @field_validator("pause_statuses")
    @classmethod
    def _pausable(cls, value: list[TicketStatus]) -> list[TicketStatus]:
        refused = sorted(set(value) - PAUSABLE)
        if refused:
            allowed = ", ".join(sorted(PAUSABLE))
            raise ValueError(f"{', '.join(refused)} cannot pause a clock; pausable: {allowed}")
        return value

    @field_validator("targets")
    @classmethod
    def _one_per_metric(cls, value: list[TargetBody]) -> list[TargetBody]:
        if len({t.metric for t in value}) != len(value):
            raise ValueError("one target per metric")
        return value

    def to_policy(self) -> Policy:
        return Policy(
            policy_id=self.policy_id,
            targets=tuple(t.to_target() for t in self.targets),
            types=frozenset(self.types),
            severities=frozenset(self.severities),
            priorities=frozenset(self.priorities),
            services=frozenset(self.services),
            thresholds=tuple(self.thresholds),
            pause_statuses=frozenset(self.pause_statuses),
        )


class PolicyList(_Body):
    """A tenant's policies in the order they are tried; the first match wins."""

    policies: list[PolicyBody] = Field(min_length=1, max_length=100)

    @field_validator("policies")
    @classmethod
    def _unique_ids(cls, value: list[PolicyBody]) -> list[PolicyBody]:
        if len({p.policy_id for p in value}) != len(value):
            raise ValueError("policy ids must be unique")
        return value


class Recomputed(BaseModel):
    """The change is stored; this many open tickets are being retargeted in the background
    (``GET /tenants/{tenant_id}/recompute`` shows the progress)."""

    open_tickets: int
    recompute: str = "scheduled"


class SettingsBody(_Body):
    """Tenant-wide SLA settings. ``approval_time_counts`` (default true): the time a
    proposed resolution waits for its approval chain counts against the resolution
    target; false pauses the clock while the ticket is ``pending_approval``."""

    approval_time_counts: bool = Field(default=True, strict=True)

    def to_settings(self) -> TenantSettings:
        return TenantSettings(approval_time_counts=self.approval_time_counts)
