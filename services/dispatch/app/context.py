"""The wired dependencies every dispatch use case is handed."""

from dataclasses import dataclass

from services.dispatch.app.ports import NewUnitOfWork
from services.dispatch.app.routing import Routing


@dataclass(frozen=True)
class DispatchContext:
    new_uow: NewUnitOfWork
    routing: Routing
    # Urges that auto-escalate when a tenant set none; 0 turns auto-escalation off.
    urge_threshold: int = 3
