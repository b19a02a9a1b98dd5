"""What intake's entrypoints are handed: the wired dependencies of the use cases."""

from dataclasses import dataclass

from services.intake.app.handlers import Numbering
from services.intake.app.ports import BlobStore, NewUnitOfWork


@dataclass(frozen=True)
class IntakeContext:
    new_uow: NewUnitOfWork
    numbering: Numbering
    blobs: BlobStore
