"""Keeping preset calendars ahead of time: :func:`services.sla.app.admin.refresh_presets`
at start and then every ``interval_s`` (see app/admin.py for what a refresh does). Every
replica runs it; a refresh that finds nothing changed writes nothing, so running it twice
costs only the reads."""

import asyncio
import contextlib
import logging

from services.sla.app.admin import refresh_presets
from services.sla.app.ports import HolidayPresets, NewUnitOfWork
from shared.failures import log_round_failure

log = logging.getLogger(__name__)


class PresetRefresher:
    def __init__(self, new_uow: NewUnitOfWork, presets: HolidayPresets, interval_s: float) -> None:
        self._new_uow, self._presets, self._interval_s = new_uow, presets, interval_s

    async def run_once(self) -> list[str]:
        changed = await refresh_presets(self._new_uow, self._presets)
        if changed:
            log.info("preset calendars refreshed: %s", ", ".join(changed))
        return changed

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await self.run_once()
            except Exception as error:  # noqa: BLE001 - logged; the next round tries again
                log_round_failure(log, "SLA preset calendar refresh", error)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self._interval_s)
