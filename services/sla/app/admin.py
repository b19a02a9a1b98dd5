"""Managing tenants' calendars and policies. A change is stored together with a request to
retarget the tenant's open tickets, which the background worker (app/recompute.py) does in
batches; the answer says how many open tickets that is. A change that collides with the
worker's (both write the tenant's recompute request) runs again."""

from collections.abc import Sequence
from datetime import date
from functools import partial

from services.sla.app.ports import NewUnitOfWork, SlaUnitOfWork
from services.sla.domain.calendar import Calendar, CalendarError, DayHours, default_calendar
from services.sla.domain.policy import Policy, default_policies
from shared.errors import Conflict, InvalidFields, NotFound
from shared.retry import retry_transient


async def get_calendar(tenant_id: str, new_uow: NewUnitOfWork) -> tuple[Calendar, bool]:
    """The tenant's calendar and whether it is its own (False: the default applies)."""
    async with new_uow() as uow:
        calendar = await uow.calendars.get(tenant_id)
    return (calendar, True) if calendar else (default_calendar(), False)


# A calendar is one document: its holidays stay far below MongoDB's 16 MB per document.
MAX_HOLIDAYS = 20_000


async def put_calendar(tenant_id: str, calendar: Calendar, new_uow: NewUnitOfWork) -> int:
    return await retry_transient(partial(_write_calendar, tenant_id, calendar, new_uow))


async def _write_calendar(tenant_id: str, calendar: Calendar, new_uow: NewUnitOfWork) -> int:
    _bounded(calendar)
    async with new_uow() as uow:
        await uow.calendars.put(tenant_id, calendar)
        return await _recompute_later(uow, tenant_id)


def _bounded(calendar: Calendar) -> None:
    days = len(calendar.holidays) + len(calendar.extra_working_days)
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
    return await retry_transient(
        partial(_import, tenant_id, holidays, extra_working_days, replace, new_uow)
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
    try:
        return Calendar(
            zone=current.zone,
            weekly=current.weekly,
            holidays=kept_holidays | holidays,
            extra_working_days={**kept_extra, **extra},
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
