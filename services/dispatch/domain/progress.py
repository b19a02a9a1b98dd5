"""Working the ticket to its end: pauses, 回单, the customer's answer, cancel and 归档."""

from datetime import datetime

from services.dispatch.domain import approval, extension, resolving, tracking
from services.dispatch.domain.approval import ApprovalRule
from services.dispatch.domain.command_names import Command
from services.dispatch.domain.errors import IllegalTransition, InvalidField
from services.dispatch.domain.state import WorkOrderState
from services.dispatch.domain.values import FollowUp, FollowUpPlan, Resolution
from shared.events import Actor
from shared.events.dispatch import (
    ClosureReason,
    CustomerReplied,
    CustomerRepliedPayload,
    TicketCanceled,
    TicketCanceledPayload,
    TicketClosed,
    TicketClosedPayload,
    TicketResolved,
    TicketResolvedPayload,
)
from shared.events.vocabulary import TicketStatus

PAUSES = {
    Command.WAIT_CUSTOMER: TicketStatus.WAITING_CUSTOMER,
    Command.HOLD: TicketStatus.ON_HOLD,
    Command.INVESTIGATE: TicketStatus.INVESTIGATION,
}


def pause(
    order: WorkOrderState, command: Command, reason: str | None, actor: Actor, now: datetime
) -> None:
    """wait_customer, hold or investigate: the table knows which status each leads to."""
    if command not in PAUSES:
        raise ValueError(f"{command} is not a pause")
    order.finish(command, order.next_status(command, actor), actor, now, reason)


def resume(order: WorkOrderState, reason: str | None, actor: Actor, now: datetime) -> None:
    order.finish(Command.RESUME, order.next_status(Command.RESUME, actor), actor, now, reason)


def mark_overdue(order: WorkOrderState) -> bool:
    """An SLA was breached: resolving will need an overdue reason (超时原因)."""
    changed, order.overdue = not order.overdue, True
    return changed


def resolve(
    order: WorkOrderState,
    resolution: Resolution,
    actor: Actor,
    now: datetime,
    rule: ApprovalRule | None = None,
    follow_up: FollowUpPlan | None = None,
) -> None:
    """回单; with an approval ``rule`` covering the ticket it is only proposed
    (``pending_approval``) until the rule's chain approves it."""
    order.next_status(Command.RESOLVE, actor)
    if order.overdue and not (resolution.overdue_reason or "").strip():
        raise InvalidField("overdue_reason", "required: the ticket's SLA was breached")
    if follow_up is not None:
        tracking.check_plan(follow_up, now, "follow_up.on")
    if rule is not None:
        approval.request(order, resolution, rule, follow_up, actor, now)
    else:
        resolving.apply(order, resolution, follow_up, Command.RESOLVE, actor, now)


def resolve_at_first_contact(
    order: WorkOrderState, resolution: Resolution, actor: Actor, now: datetime
) -> None:
    """直接答复: the registering agent resolved it during the call. Like registration itself
    this is no command of the table: a new ticket goes to resolved and on to closed at once
    (reason ``first_contact``), never assigned, both steps in the registering actor's name."""
    if order.status is not TicketStatus.NEW:
        raise IllegalTransition(
            f"only a new ticket is resolved at first contact, not one {order.status.value}",
            allowed=order.allowed_commands,
        )
    why = ClosureReason.FIRST_CONTACT
    order.resolution = resolution
    payload = TicketResolvedPayload(
        cause=resolution.cause, solution=resolution.solution, closure_code=resolution.closure_code
    )
    order.record(TicketResolved, payload, actor, now)
    order.finish(Command.RESOLVE, TicketStatus.RESOLVED, actor, now, why.value)
    order.record(TicketClosed, TicketClosedPayload(reason=why), actor, now)
    order.clear_major_alert(actor, now)
    order.finish(Command.CLOSE, TicketStatus.CLOSED, actor, now, why.value)


def customer_reply(
    order: WorkOrderState, message: str, actor: Actor, now: datetime
) -> FollowUp | None:
    """Back to work; on a closed ticket, a follow-up to register as a new ticket."""
    target = order.next_status(Command.CUSTOMER_REPLY, actor)
    if order.status is TicketStatus.CLOSED:
        order.finish(Command.CUSTOMER_REPLY, target, actor, now, "follow-up ticket")
        return FollowUp(order.ticket_id, message, actor.id)
    order.record(
        CustomerReplied, CustomerRepliedPayload(message=message, status=target), actor, now
    )
    order.finish(Command.CUSTOMER_REPLY, target, actor, now)
    return None


def confirm(order: WorkOrderState, actor: Actor, now: datetime) -> None:
    _close(order, Command.CONFIRM, ClosureReason.CONFIRMED, actor, now)


def auto_close(order: WorkOrderState, actor: Actor, now: datetime) -> None:
    _close(order, Command.AUTO_CLOSE, ClosureReason.AUTO_CLOSED, actor, now)


def close(order: WorkOrderState, actor: Actor, now: datetime) -> None:
    _close(order, Command.CLOSE, ClosureReason.CANCELED, actor, now)


def cancel(order: WorkOrderState, reason: str, actor: Actor, now: datetime) -> None:
    target = order.next_status(Command.CANCEL, actor)
    order.approval = None  # a proposal waiting for approval goes with the ticket
    extension.withdraw(order, now)
    order.record(TicketCanceled, TicketCanceledPayload(reason=reason), actor, now)
    order.record(TicketClosed, TicketClosedPayload(reason=ClosureReason.CANCELED), actor, now)
    order.clear_major_alert(actor, now)
    order.finish(Command.CANCEL, target, actor, now, reason)


def _close(
    order: WorkOrderState, command: Command, reason: ClosureReason, actor: Actor, now: datetime
) -> None:
    target = order.next_status(command, actor)
    order.record(TicketClosed, TicketClosedPayload(reason=reason), actor, now)
    order.clear_major_alert(actor, now)
    order.finish(command, target, actor, now, reason.value)
