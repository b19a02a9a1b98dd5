"""Calendars based on an official preset: precedence of the tenant's own dates, the real
``holidays`` data (China 2026, Russia's transfers), unknown countries and subdivisions, and
the rolling horizon kept ahead of time by the refresh (on a fake clock)."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from services.sla.adapters.holiday_presets import PythonHolidays
from services.sla.app import admin
from services.sla.app.ports import UnknownPreset
from services.sla.domain.calendar import (
    Calendar,
    CalendarError,
    DayKind,
    Origin,
    Preset,
    PresetDay,
    WorkingHours,
    add_business_seconds,
    business_seconds_between,
    end_of_nth_business_day,
    weekly_hours,
)
from shared.clock import FakeClock
from shared.errors import InvalidFields
from shared.testing.fakes import FakeUnitOfWork

SHANGHAI = ZoneInfo("Asia/Shanghai")
HOUR = 3600
NINE_TO_SIX = weekly_hours(range(5), "09:00-18:00")
H, W = DayKind.HOLIDAY, DayKind.WORKDAY
OFFICIAL = PythonHolidays()


def at(day: str, clock: str) -> datetime:
    return datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=SHANGHAI)


def preset(*entries: tuple[str, DayKind, str], **kwargs) -> Preset:
    days = {date.fromisoformat(d): PresetDay(date.fromisoformat(d), k, n) for d, k, n in entries}
    return Preset("CN", years=frozenset({2026}), days=days, **kwargs)


# 2026-09-20 is a Sunday the preset makes a working day; 2026-10-01 a Thursday holiday.
SAMPLE = preset(("2026-09-20", W, "Working day"), ("2026-10-01", H, "National Day"))


def hours(calendar: Calendar, day: str) -> list[str]:
    return [str(h) for h in calendar.hours_on(date.fromisoformat(day))]


# --- precedence (pure) -----------------------------------------------------------------


def test_preset_holidays_do_not_work_and_its_make_up_days_work_the_first_weekdays_hours():
    calendar = Calendar(weekly=NINE_TO_SIX, preset=SAMPLE)
    assert hours(calendar, "2026-10-01") == []
    assert hours(calendar, "2026-09-20") == ["09:00-18:00"]  # Sunday, Monday's hours
    assert hours(calendar, "2026-10-02") == ["09:00-18:00"]  # an ordinary Friday


def test_preset_make_up_days_can_be_given_their_own_hours():
    workday = (WorkingHours.parse("10:00-16:00"),)
    calendar = Calendar(
        weekly=NINE_TO_SIX, preset=preset(("2026-09-20", W, "x"), workday_hours=workday)
    )
    assert hours(calendar, "2026-09-20") == ["10:00-16:00"]


def test_a_date_removed_by_the_tenant_falls_through_to_its_weekday():
    removed = frozenset({date(2026, 9, 20), date(2026, 10, 1)})
    calendar = Calendar(weekly=NINE_TO_SIX, preset=preset(*_entries(SAMPLE), removed=removed))
    assert hours(calendar, "2026-10-01") == ["09:00-18:00"]  # a Thursday again
    assert hours(calendar, "2026-09-20") == []  # a Sunday again
    assert calendar.day_notes() == []


def test_a_tenant_holiday_beats_a_preset_make_up_day_and_its_make_up_day_a_preset_holiday():
    own_hours = (WorkingHours.parse("09:00-12:00"),)
    calendar = Calendar(
        weekly=NINE_TO_SIX,
        holidays=frozenset({date(2026, 9, 20)}),
        extra_working_days={date(2026, 10, 1): own_hours},
        preset=SAMPLE,
    )
    assert hours(calendar, "2026-09-20") == []
    assert hours(calendar, "2026-10-01") == ["09:00-12:00"]
    assert calendar.effective_holidays == frozenset({date(2026, 9, 20)})
    assert calendar.effective_working_days == {date(2026, 10, 1): own_hours}
    notes = {n.day: n for n in calendar.day_notes()}
    assert notes[date(2026, 9, 20)].origin is Origin.TENANT
    assert notes[date(2026, 9, 20)].kind is H
    assert notes[date(2026, 9, 20)].replaces == SAMPLE.days[date(2026, 9, 20)]
    assert notes[date(2026, 10, 1)].kind is W
    assert notes[date(2026, 10, 1)].replaces == SAMPLE.days[date(2026, 10, 1)]


def test_a_tenant_removal_does_not_undo_the_tenants_own_date():
    removed = frozenset({date(2026, 9, 20)})
    calendar = Calendar(
        weekly=NINE_TO_SIX,
        holidays=frozenset({date(2026, 9, 20)}),
        preset=preset(*_entries(SAMPLE), removed=removed),
    )
    assert hours(calendar, "2026-09-20") == []


def test_day_notes_say_where_each_date_came_from():
    calendar = Calendar(weekly=NINE_TO_SIX, holidays=frozenset({date(2026, 12, 24)}), preset=SAMPLE)
    notes = [(str(n.day), n.kind.value, n.origin.value, n.name) for n in calendar.day_notes()]
    assert notes == [
        ("2026-09-20", "workday", "preset", "Working day"),
        ("2026-10-01", "holiday", "preset", "National Day"),
        ("2026-12-24", "holiday", "tenant", None),
    ]


def test_a_preset_date_outside_its_years_and_make_up_days_without_hours_are_refused():
    with pytest.raises(CalendarError, match="not one of its years"):
        Preset("CN", years=frozenset({2027}), days=SAMPLE.days)
    with pytest.raises(CalendarError, match="preset make-up days need hours"):
        Calendar(extra_working_days={date(2026, 1, 1): NINE_TO_SIX[0]}, preset=SAMPLE)


def _entries(p: Preset) -> list[tuple[str, DayKind, str]]:
    return [(str(d), e.kind, e.name) for d, e in p.days.items()]


# --- the real data source --------------------------------------------------------------


def test_china_2026_make_up_days_and_spring_festival():
    days = {e.day: e for e in OFFICIAL.days("CN", None, 2026)}
    workdays = sorted(d for d, e in days.items() if e.kind is W)
    assert workdays == [
        date(2026, 1, 4), date(2026, 2, 14), date(2026, 2, 28),
        date(2026, 5, 9), date(2026, 9, 20), date(2026, 10, 10),
    ]  # fmt: skip
    for day in range(16, 20):
        assert days[date(2026, 2, day)].kind is H
        assert "Chinese New Year" in days[date(2026, 2, day)].name
    assert days[date(2026, 2, 20)].kind is H  # the day off swapped for Saturday 02-14
    assert days[date(2026, 2, 14)].name == "Working day (for the day off on 2026-02-20)"
    assert days[date(2026, 10, 1)].name == "National Day"


def test_a_make_up_day_announced_with_next_years_schedule_belongs_to_its_own_year():
    # 2005-12-31 (a Saturday) made up for the 2006 New Year bridge day
    workdays = {e.day for e in OFFICIAL.days("CN", None, 2005) if e.kind is W}
    assert date(2005, 12, 31) in workdays
    assert all(e.day.year == 2006 for e in OFFICIAL.days("CN", None, 2006))


def test_russia_transfers():
    days = {e.day: e for e in OFFICIAL.days("RU", None, 2026)}
    # 2026: Saturday 01-03 → Friday 01-09, Sunday 01-04 → Thursday 12-31
    assert days[date(2026, 1, 9)].kind is H
    assert days[date(2026, 12, 31)].kind is H
    assert "substituted" in days[date(2026, 12, 31)].name
    # 2024: three Saturdays became working days
    workdays_2024 = sorted(e.day for e in OFFICIAL.days("RU", None, 2024) if e.kind is W)
    assert workdays_2024 == [date(2024, 4, 27), date(2024, 11, 2), date(2024, 12, 28)]


def test_subdivisions_and_unknown_ones():
    bavaria = {e.day for e in OFFICIAL.days("DE", "BY", 2026)}
    germany = {e.day for e in OFFICIAL.days("DE", None, 2026)}
    assert date(2026, 1, 6) in bavaria - germany  # Epiphany is Bavarian, not federal
    with pytest.raises(UnknownPreset) as country:
        OFFICIAL.days("XX", None, 2026)
    with pytest.raises(UnknownPreset) as subdivision:
        OFFICIAL.days("DE", "XX", 2026)
    assert country.value.field == "preset.country"
    assert subdivision.value.field == "preset.subdivision"
    assert "BY" in str(subdivision.value)


def test_business_time_on_a_china_preset_calendar_skips_holidays_and_counts_make_up_sunday():
    calendar = admin.materialised(
        Calendar(weekly=NINE_TO_SIX, preset=Preset("CN")), {2025, 2026}, OFFICIAL
    )
    # Wed 12-31 09:00 + 18 business hours: 12-31 (9 h), 01-01 and 01-02 off, Saturday off,
    # Sunday 01-04 is a make-up working day (9 h)
    start = at("2025-12-31", "09:00")
    assert add_business_seconds(calendar, start, 18 * HOUR) == at("2026-01-04", "18:00")
    assert end_of_nth_business_day(calendar, start, 1) == at("2026-01-04", "18:00")
    spring = business_seconds_between(
        calendar, at("2026-02-13", "09:00"), at("2026-02-24", "09:00")
    )
    assert spring == 2 * 9 * HOUR  # Friday 02-13 and make-up Saturday 02-14, then 02-15…02-23 off


# --- saving and refreshing (app layer, fake clock) -------------------------------------


class FakeCalendars:
    def __init__(self) -> None:
        self.items: dict[str, Calendar] = {}

    async def get(self, tenant_id: str) -> Calendar | None:
        return self.items.get(tenant_id)

    async def put(self, tenant_id: str, calendar: Calendar) -> None:
        self.items[tenant_id] = calendar

    async def delete(self, tenant_id: str) -> bool:
        return self.items.pop(tenant_id, None) is not None

    async def with_preset(self) -> list[str]:
        return sorted(t for t, c in self.items.items() if c.preset is not None)


class FakeJobs:
    def __init__(self) -> None:
        self.requests: list[tuple[str, datetime]] = []

    async def request(self, tenant_id: str, now: datetime) -> None:
        self.requests.append((tenant_id, now))


class NoTickets:
    async def count_open(self, tenant_id: str) -> int:
        return 0


class AdminUnitOfWork(FakeUnitOfWork):
    repositories = ("calendars", "recompute_jobs")

    def __init__(self, clock: FakeClock) -> None:
        super().__init__(clock.now())
        self._clock = clock
        self.calendars = FakeCalendars()
        self.recompute_jobs = FakeJobs()
        self.tickets = NoTickets()

    def now(self) -> datetime:
        return self._clock.now()


class CountingPresets:
    """The real data, with a hook to pretend the package was upgraded."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str | None, int]] = []
        self.extra: list[PresetDay] = []

    def days(self, country: str, subdivision: str | None, year: int) -> list[PresetDay]:
        self.calls.append((country, subdivision, year))
        days = OFFICIAL.days(country, subdivision, year)
        return days + [d for d in self.extra if d.day.year == year]


@pytest.fixture
def world():
    clock = FakeClock(datetime(2026, 12, 31, 3, tzinfo=UTC))  # 11:00 in Shanghai
    return AdminUnitOfWork(clock), clock, CountingPresets()


async def test_saving_materialises_the_years_asked_and_last_this_and_next_year(world):
    uow, _, presets = world
    calendar = Calendar(weekly=NINE_TO_SIX, preset=Preset("CN", years=frozenset({2020})))
    await admin.put_calendar("acme", calendar, uow, presets)
    stored = uow.calendars.items["acme"]
    assert stored.preset is not None
    assert stored.preset.years == {2020, 2025, 2026, 2027}
    assert date(2020, 1, 25) in stored.effective_holidays  # Spring Festival 2020
    assert date(2027, 10, 1) in stored.effective_holidays
    assert uow.recompute_jobs.requests == [("acme", uow.now())]


async def test_the_year_is_the_calendars_local_year(world):
    uow, clock, presets = world
    clock.advance(timedelta(hours=14))  # 2026-12-31 17:00 UTC = 2027-01-01 01:00 Shanghai
    await admin.put_calendar(
        "acme", Calendar(weekly=NINE_TO_SIX, preset=Preset("CN")), uow, presets
    )
    assert uow.calendars.items["acme"].preset.years == {2026, 2027, 2028}


async def test_an_unknown_country_or_subdivision_is_a_422_naming_the_field(world):
    uow, _, presets = world
    for bad, field in (
        (Preset("XX"), "preset.country"),
        (Preset("DE", "XX"), "preset.subdivision"),
    ):
        with pytest.raises(InvalidFields) as refused:
            await admin.put_calendar("acme", Calendar(weekly=NINE_TO_SIX, preset=bad), uow, presets)
        assert list(refused.value.errors) == [field]
    assert uow.calendars.items == {}
    assert uow.recompute_jobs.requests == []


async def test_a_calendar_saved_last_year_keeps_having_holidays_after_the_refresh(world):
    uow, clock, presets = world
    await admin.put_calendar(
        "acme", Calendar(weekly=NINE_TO_SIX, preset=Preset("CN")), uow, presets
    )
    assert await admin.refresh_presets(uow, presets) == []  # nothing changed: nothing written
    clock.advance(timedelta(days=200))  # mid-2027: 2027 is there already, 2028 is not yet
    calendar = uow.calendars.items["acme"]
    assert date(2027, 10, 1) in calendar.effective_holidays
    assert date(2028, 1, 1) not in calendar.effective_holidays
    assert await admin.refresh_presets(uow, presets) == ["acme"]
    refreshed = uow.calendars.items["acme"]
    assert refreshed.preset.years == {2025, 2026, 2027, 2028}  # years are only added
    assert date(2028, 1, 1) in refreshed.effective_holidays
    assert [t for t, _ in uow.recompute_jobs.requests] == ["acme", "acme"]
    assert await admin.refresh_presets(uow, presets) == []


async def test_a_refresh_picks_up_corrected_data_and_keeps_the_tenants_own_dates(world):
    uow, _, presets = world
    own = frozenset({date(2027, 2, 1)})
    calendar = Calendar(weekly=NINE_TO_SIX, holidays=own, preset=Preset("CN"))
    await admin.put_calendar("acme", calendar, uow, presets)
    presets.extra = [PresetDay(date(2027, 2, 20), W, "Working day")]  # a newer package
    assert await admin.refresh_presets(uow, presets) == ["acme"]
    refreshed = uow.calendars.items["acme"]
    assert refreshed.holidays == own
    assert refreshed.hours_on(date(2027, 2, 20)) == NINE_TO_SIX[0]  # a Saturday that works


async def test_calendars_without_a_preset_are_not_touched_by_the_refresh(world):
    uow, _, presets = world
    await admin.put_calendar("plain", Calendar(weekly=NINE_TO_SIX), uow, presets)
    assert await admin.refresh_presets(uow, presets) == []
    assert presets.calls == []
