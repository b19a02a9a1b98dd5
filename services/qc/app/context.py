"""What QC's entrypoints are handed."""

from dataclasses import dataclass

from services.qc.app.ports import NewUnitOfWork, ShippedLibrary


@dataclass(frozen=True)
class QcContext:
    new_uow: NewUnitOfWork
    library: ShippedLibrary
