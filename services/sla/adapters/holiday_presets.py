"""Official holiday calendars from the ``holidays`` package (python-holidays).

The package computes each country's public holidays (including the extra days off of a
transfer, e.g. China's 调休 and Russia's переносы: "Day off (substituted from …)") and keeps
the weekend days that become working days in ``weekend_workdays``. It does no I/O, but it is
a third-party data source, so it stays behind the :class:`HolidayPresets` port.

A make-up working day of year Y can be part of the schedule of year Y + 1 (e.g. a Saturday
in late December that makes up for a New Year bridge day), so a year's working days are
read from the package's computation of Y and Y + 1, keeping those that fall in Y.
Names are in English where the country has them (deterministic, whatever the locale).
"""

from collections.abc import Mapping
from datetime import date
from functools import lru_cache
from typing import Any

import holidays as official

from services.sla.app.ports import UnknownPreset
from services.sla.domain.calendar import DayKind, PresetDay

LANGUAGE = "en_US"


class PythonHolidays:
    """:class:`services.sla.app.ports.HolidayPresets` over the ``holidays`` package."""

    def days(self, country: str, subdivision: str | None, year: int) -> list[PresetDay]:
        return list(_days(country, subdivision, year))


@lru_cache(maxsize=4096)
def _days(country: str, subdivision: str | None, year: int) -> tuple[PresetDay, ...]:
    calendar = _country(country, subdivision, (year, year + 1))
    entries = [
        PresetDay(day, DayKind.HOLIDAY, str(name))
        for day, name in sorted(calendar.items())
        if day.year == year
    ]
    entries += [
        PresetDay(day, DayKind.WORKDAY, _workday_name(calendar, day))
        for day in sorted(calendar.weekend_workdays)
        if day.year == year and day not in calendar
    ]
    return tuple(sorted(entries, key=lambda e: e.day))


def _country(country: str, subdivision: str | None, years: tuple[int, ...]) -> Any:
    supported: Mapping[str, list[str]] = official.list_supported_countries()
    if country not in supported:
        raise UnknownPreset("preset.country", f"no official calendar for country {country!r}")
    try:
        calendar = official.country_holidays(country, subdiv=subdivision, years=years)
        if LANGUAGE in calendar.supported_languages:
            calendar = official.country_holidays(
                country, subdiv=subdivision, years=years, language=LANGUAGE
            )
    except NotImplementedError as error:
        known = ", ".join(supported[country]) or "none"
        raise UnknownPreset(
            "preset.subdivision",
            f"{country} has no subdivision {subdivision!r} (known: {known})",
        ) from error
    return calendar


def _workday_name(calendar: Any, day: date) -> str:
    """The name of a make-up working day: the day off it pays for, found by the package's
    own label of that day off ("Working day (for the day off on 2026-01-02)")."""
    try:
        label = calendar.tr(calendar.substituted_label) % day.strftime(
            calendar.tr(calendar.substituted_date_format)
        )
    except (AttributeError, TypeError):
        return "Working day"
    off = sorted(d for d, name in calendar.items() if label in name)
    return f"Working day (for the day off on {off[0]})" if off else "Working day"
