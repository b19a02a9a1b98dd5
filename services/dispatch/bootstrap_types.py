"""What dispatch's entrypoints are handed: the wired dependencies of the use cases."""

from collections.abc import Sequence
from dataclasses import dataclass

from services.dispatch.app.ports import NewUnitOfWork
from services.dispatch.domain.assignment import AssignmentRule


@dataclass(frozen=True)
class DispatchContext:
    new_uow: NewUnitOfWork
    rules: Sequence[AssignmentRule]
    dispatch_centre: str
