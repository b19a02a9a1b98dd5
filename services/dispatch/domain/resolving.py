"""回单 taking effect, whether at once or when the last approval step agrees."""

from datetime import datetime

from services.dispatch.domain import extension, tracking
from services.dispatch.domain.command_names import Command
from services.dispatch.domain.state import WorkOrderState
from services.dispatch.domain.values import FollowUpPlan, Resolution
from shared.events import Actor
from shared.events.dispatch import TicketResolved, TicketResolvedPayload
from shared.events.vocabulary import TicketStatus


def apply(
    order: WorkOrderState,
    resolution: Resolution,
    follow_up: FollowUpPlan | None,
    command: Command,
    actor: Actor,
    now: datetime,
    reason: str | None = None,
) -> None:
    """``ticket.resolved``, the major alert cleared, a pending extension withdrawn, and the
    follow-up tracking set if the handler asked for one."""
    order.resolution = resolution
    payload = TicketResolvedPayload(
        cause=resolution.cause,
        solution=resolution.solution,
        closure_code=resolution.closure_code,
        overdue_reason=resolution.overdue_reason,
    )
    order.record(TicketResolved, payload, actor, now)
    order.clear_major_alert(actor, now)
    extension.withdraw(order, now)
    order.finish(command, TicketStatus.RESOLVED, actor, now, reason)
    if follow_up is not None:
        tracking.set_tracking(order, follow_up, actor, now)
