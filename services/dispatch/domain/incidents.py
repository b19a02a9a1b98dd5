"""Parent incidents: the tickets of an outage are handled with one parent ticket. Linking
a child changes nothing of its own state; resolving the parent resolves every open child
with the parent's cause and solution, each with its own ``ticket.resolved`` (so the SLA
stops each child's clock at that instant and its requester is told as usual). A child can
be unlinked and handled on its own."""

from datetime import datetime

from services.dispatch.domain.command_names import Command
from services.dispatch.domain.errors import IllegalTransition, InvalidField
from services.dispatch.domain.roles import DISPATCHING, Role
from services.dispatch.domain.state import WorkOrderState
from services.dispatch.domain.transitions import OPEN
from services.dispatch.domain.values import HistoryEntry, Resolution
from shared.errors import Forbidden
from shared.events import Actor
from shared.events.dispatch import (
    ParentIncidentLinked,
    ParentIncidentLinkedPayload,
    ParentIncidentUnlinked,
    ParentIncidentUnlinkedPayload,
    TicketResolved,
    TicketResolvedPayload,
)
from shared.events.vocabulary import TicketStatus

LINK, UNLINK = "link_parent", "unlink_parent"


def require_dispatcher(actor: Actor) -> None:
    if Role(actor.role) not in DISPATCHING:
        raise Forbidden(f"role {actor.role!r} may not manage parent incidents", DISPATCHING)


def check_parent(parent: WorkOrderState, tenant_id: str) -> None:
    if parent.tenant_id != tenant_id:
        raise InvalidField("ticket_id", f"no ticket {parent.ticket_id} in tenant {tenant_id}")
    if parent.status not in OPEN:
        raise InvalidField("ticket_id", f"the parent is {parent.status.value}: pick an open one")


def link(
    child: WorkOrderState, parent: WorkOrderState, cluster_id: str | None, actor: Actor,
    now: datetime,
) -> bool:  # fmt: skip
    """Link an open child; False (nothing recorded) for the parent itself, a child finished
    already, or one linked to this parent before."""
    if child.ticket_id == parent.ticket_id or child.status not in OPEN:
        return False
    if child.parent_id == parent.ticket_id:
        return False
    child.parent_id = parent.ticket_id
    payload = ParentIncidentLinkedPayload(
        parent_id=parent.ticket_id, cluster_id=cluster_id, status=child.status
    )
    child.record(ParentIncidentLinked, payload, actor, now)
    _log(child, LINK, actor, now, f"parent {parent.number}")
    return True


def unlink(child: WorkOrderState, reason: str | None, actor: Actor, now: datetime) -> None:
    require_dispatcher(actor)
    if child.parent_id is None:
        raise IllegalTransition(f"ticket {child.number} has no parent incident", [])
    parent, child.parent_id = child.parent_id, None
    payload = ParentIncidentUnlinkedPayload(parent_id=parent, reason=reason, status=child.status)
    child.record(ParentIncidentUnlinked, payload, actor, now)
    _log(child, UNLINK, actor, now, reason)


def resolve_with_parent(
    child: WorkOrderState, parent: WorkOrderState, actor: Actor, now: datetime
) -> bool:
    """The parent was resolved: so is the open child, with the parent's resolution."""
    if child.parent_id != parent.ticket_id or child.status not in OPEN:
        return False
    assert parent.resolution is not None
    own = parent.resolution
    overdue = own.overdue_reason or (f"resolved with parent incident {parent.number}"
                                     if child.overdue else None)  # fmt: skip
    child.resolution = Resolution(own.cause, own.solution, own.closure_code, overdue)
    payload = TicketResolvedPayload(
        cause=own.cause, solution=own.solution, closure_code=own.closure_code,
        overdue_reason=overdue, parent_id=parent.ticket_id,
    )  # fmt: skip
    child.record(TicketResolved, payload, actor, now)
    child.clear_major_alert(actor, now)
    child.finish(Command.RESOLVE, TicketStatus.RESOLVED, actor, now,
                 f"with parent incident {parent.number}")  # fmt: skip
    return True


def _log(order: WorkOrderState, step: str, actor: Actor, now: datetime, why: str | None) -> None:
    # Not a command of the table: its own line in the work order's history.
    order.history.append(
        HistoryEntry(now, step, order.status, order.status, actor.id, actor.role, why)
    )
