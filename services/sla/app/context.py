"""What the SLA entrypoints are handed: the wired dependencies of the use cases."""

from dataclasses import dataclass

from services.sla.app.ports import HolidayPresets, NewUnitOfWork, RecomputeQueue


@dataclass(frozen=True)
class SlaContext:
    new_uow: NewUnitOfWork
    autoclose_days: int
    recompute_queue: RecomputeQueue
    holiday_presets: HolidayPresets
