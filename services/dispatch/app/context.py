"""The wired dependencies every dispatch use case is handed."""

from collections.abc import Sequence
from dataclasses import dataclass

from services.dispatch.app.ports import NewUnitOfWork
from services.dispatch.domain.routing_rules import RoutingRule


@dataclass(frozen=True)
class DispatchContext:
    new_uow: NewUnitOfWork
    dispatch_centre: str
    # Applied after a tenant's own rules (deployment-wide defaults from settings).
    static_rules: Sequence[RoutingRule] = ()
    # Urges that auto-escalate when a tenant set none; 0 turns auto-escalation off.
    urge_threshold: int = 3
