"""Managing tenants' calendars and policies. A change is stored together with a request to
retarget the tenant's open tickets, which the background worker (app/recompute.py) does in
batches; the answer says how many open tickets that is. A change that collides with the
worker's (both write the tenant's recompute request) runs again.

A calendar based on an official preset stores the preset's dates of the years it covers
(*materialised* through the :class:`HolidayPresets` port). On save those are the years
asked plus a rolling horizon around the service clock's year in the calendar's zone: last
year (tickets still open from it), this year and next year, so next year's dates are there
ahead of time. :func:`refresh_presets` (run by app/preset_refresh.py at start and then
periodically) extends every preset calendar to the horizon of *its* now and re-reads all
its years, storing (and recomputing) only a calendar whose dates changed: a calendar saved
last year gains the new next year long before it is needed, and an upgraded ``holidays``
package (e.g. China's schedule for the next year, published each November) reaches every
calendar without anyone saving it again. Years are only ever added by a refresh."""

import logging
from collections.abc import Iterable, Sequence
from dataclasses import replace as evolve
from datetime import date, datetime
from functools import partial

from services.sla.app.ports import HolidayPresets, NewUnitOfWork, SlaUnitOfWork, UnknownPreset
from services.sla.domain.calendar import (
    Calendar,
    CalendarError,
    DayHours,
    PresetDay,
    default_calendar,
)
from services.sla.domain.policy import Policy, TenantSettings, default_policies
from shared.errors import Conflict, InvalidFields, NotFound
from shared.retry import retry_transient

log = logging.getLogger(__name__)


async def get_calendar(tenant_id: str, new_uow: NewUnitOfWork) -> tuple[Calendar, bool]:
    """The tenant's calendar and whether it is its own (False: the default applies)."""
    async with new_uow() as uow:
        calendar = await uow.calendars.get(tenant_id)
    return (calendar, True) if calendar else (default_calendar(), False)


# A calendar is one document: its holidays stay far below MongoDB's 16 MB per document.
MAX_HOLIDAYS = 20_000


async def put_calendar(
    tenant_id: str,
    calendar: Calendar,
    new_uow: NewUnitOfWork,
    presets: HolidayPresets | None = None,
) -> int:
    """Store the calendar; a preset is materialised for the years asked and the horizon
    (``presets`` is needed then; an unknown country or subdivision is a 422 naming it)."""
    return await retry_transient(partial(_write_calendar, tenant_id, calendar, new_uow, presets))


async def _write_calendar(
    tenant_id: str, calendar: Calendar, new_uow: NewUnitOfWork, presets: HolidayPresets | None
) -> int:
    async with new_uow() as uow:
        if calendar.preset is not None:
            if presets is None:
                raise ValueError("a calendar with a preset needs the HolidayPresets port")
            calendar = materialised(calendar, horizon(calendar, uow.now()), presets)
        _bounded(calendar)
        await uow.calendars.put(tenant_id, calendar)
        return await _recompute_later(uow, tenant_id)


def horizon(calendar: Calendar, now: datetime) -> frozenset[int]:
    """The years a preset always covers at ``now``: last, this and next year (local)."""
    year = calendar.local_date(now).year
    return frozenset({year - 1, year, year + 1})


def materialised(calendar: Calendar, years: Iterable[int], presets: HolidayPresets) -> Calendar:
    """The calendar with its preset's dates (re)read for its years and ``years``."""
    preset = calendar.preset
    if preset is None:
        return calendar
    wanted = preset.years | frozenset(years)
    days: dict[date, PresetDay] = {}
    try:
        for year in sorted(wanted):
            days.update((d.day, d) for d in presets.days(preset.country, preset.subdivision, year))
        return evolve(calendar, preset=evolve(preset, years=wanted, days=days))
    except UnknownPreset as error:
        raise InvalidFields({error.field: str(error)}) from error
    except CalendarError as error:
        raise InvalidFields({"preset": str(error)}) from error


async def refresh_presets(new_uow: NewUnitOfWork, presets: HolidayPresets) -> list[str]:
    """Bring every preset calendar to the current horizon and the data source's current
    dates; the tenants whose calendar changed (and whose open tickets are recomputed)."""
    async with new_uow() as uow:
        tenants = await uow.calendars.with_preset()
    changed = []
    for tenant_id in tenants:
        try:
            if await retry_transient(partial(_refresh, tenant_id, new_uow, presets)):
                changed.append(tenant_id)
        except InvalidFields as error:  # e.g. a subdivision a newer package no longer has
            log.warning("calendar of tenant %s kept as it is: %s", tenant_id, error.message)
    return changed


async def _refresh(tenant_id: str, new_uow: NewUnitOfWork, presets: HolidayPresets) -> bool:
    async with new_uow() as uow:
        current = await uow.calendars.get(tenant_id)
        if current is None or current.preset is None:
            return False  # deleted or replaced meanwhile
        fresh = materialised(current, horizon(current, uow.now()), presets)
        if fresh.preset == current.preset:
            return False
        await uow.calendars.put(tenant_id, fresh)
        await _recompute_later(uow, tenant_id)
        return True


def _bounded(calendar: Calendar) -> None:
    days = len(calendar.holidays) + len(calendar.extra_working_days)
    days += len(calendar.preset.days) if calendar.preset else 0
    if days > MAX_HOLIDAYS:
        raise InvalidFields(
            {"holidays": f"a calendar holds at most {MAX_HOLIDAYS} holidays and make-up days"}
        )


async def import_holidays(
    tenant_id: str,
    holidays: frozenset[date],
    extra_working_days: dict[date, DayHours],
    replace: bool,
    new_uow: NewUnitOfWork,
) -> Calendar:
    """Merge (or replace) a holiday list and its make-up days into the tenant's calendar."""
    # Imports of one tenant all write its one calendar document: enough rounds for a burst.
    return await retry_transient(
        partial(_import, tenant_id, holidays, extra_working_days, replace, new_uow), attempts=20
    )


async def _import(
    tenant_id: str,
    holidays: frozenset[date],
    extra_working_days: dict[date, DayHours],
    replace: bool,
    new_uow: NewUnitOfWork,
) -> Calendar:
    # Read and written in one transaction: a concurrent import that wrote the calendar in
    # between makes this one conflict and run again on what it wrote (no lost holidays).
    async with new_uow() as uow:
        current = await uow.calendars.get(tenant_id) or default_calendar()
        calendar = _merged(current, holidays, extra_working_days, replace)
        _bounded(calendar)
        await uow.calendars.put(tenant_id, calendar)
        await _recompute_later(uow, tenant_id)
    return calendar


def _merged(
    current: Calendar, holidays: frozenset[date], extra: dict[date, DayHours], replace: bool
) -> Calendar:
    kept_holidays = frozenset() if replace else current.holidays
    kept_extra = {} if replace else dict(current.extra_working_days)
    try:  # the preset stays as it is: the tenant's own dates are kept on top of it
        return evolve(
            current, holidays=kept_holidays | holidays, extra_working_days={**kept_extra, **extra}
        )
    except CalendarError as error:  # e.g. a new holiday on a stored make-up day
        raise Conflict(f"the list does not fit the tenant's calendar: {error}") from error


async def delete_calendar(tenant_id: str, new_uow: NewUnitOfWork) -> int:
    return await retry_transient(partial(_delete_own, tenant_id, "calendar", new_uow))


async def get_policies(tenant_id: str, new_uow: NewUnitOfWork) -> tuple[tuple[Policy, ...], bool]:
    async with new_uow() as uow:
        policies = await uow.policies.get(tenant_id)
    return (policies, True) if policies is not None else (default_policies(), False)


async def put_policies(tenant_id: str, policies: Sequence[Policy], new_uow: NewUnitOfWork) -> int:
    async def attempt() -> int:
        async with new_uow() as uow:
            await uow.policies.put(tenant_id, policies)
            return await _recompute_later(uow, tenant_id)

    return await retry_transient(attempt)


async def delete_policies(tenant_id: str, new_uow: NewUnitOfWork) -> int:
    return await retry_transient(partial(_delete_own, tenant_id, "policies", new_uow))


async def get_settings(tenant_id: str, new_uow: NewUnitOfWork) -> tuple[TenantSettings, bool]:
    async with new_uow() as uow:
        settings = await uow.settings.get(tenant_id)
    return (settings, True) if settings is not None else (TenantSettings(), False)


async def put_settings(tenant_id: str, settings: TenantSettings, new_uow: NewUnitOfWork) -> int:
    """Stored with a recompute of the open tickets: the pauses follow from the status log."""

    async def attempt() -> int:
        async with new_uow() as uow:
            await uow.settings.put(tenant_id, settings)
            return await _recompute_later(uow, tenant_id)

    return await retry_transient(attempt)


async def _delete_own(tenant_id: str, what: str, new_uow: NewUnitOfWork) -> int:
    """Back to the defaults: delete the tenant's own calendar or policies."""
    async with new_uow() as uow:
        repository = uow.calendars if what == "calendar" else uow.policies
        if not await repository.delete(tenant_id):
            raise NotFound(f"tenant {tenant_id} has no {what} of its own")
        return await _recompute_later(uow, tenant_id)


async def _recompute_later(uow: SlaUnitOfWork, tenant_id: str) -> int:
    """Commit the change with its recompute request; the open tickets it will move."""
    await uow.recompute_jobs.request(tenant_id, uow.now())
    open_tickets = await uow.tickets.count_open(tenant_id)
    await uow.commit()
    return open_tickets
