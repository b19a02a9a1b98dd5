"""Working the ticket to its end: pauses, 回单, the customer's answer, cancel and 归档."""

from datetime import datetime

from services.dispatch.domain.command_names import Command
from services.dispatch.domain.errors import InvalidField
from services.dispatch.domain.state import WorkOrderState
from services.dispatch.domain.values import FollowUp, Resolution
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


class ProgressCommands(WorkOrderState):
    def pause(self, command: Command, reason: str | None, actor: Actor, now: datetime) -> None:
        """wait_customer, hold or investigate: the table knows which status each leads to."""
        if command not in PAUSES:
            raise ValueError(f"{command} is not a pause")
        self._finish(command, self._target(command, actor), actor, now, reason)

    def resume(self, reason: str | None, actor: Actor, now: datetime) -> None:
        self._finish(Command.RESUME, self._target(Command.RESUME, actor), actor, now, reason)

    def mark_overdue(self) -> bool:
        """An SLA was breached: resolving will need an overdue reason (超时原因)."""
        changed, self.overdue = not self.overdue, True
        return changed

    def resolve(self, resolution: Resolution, actor: Actor, now: datetime) -> None:
        target = self._target(Command.RESOLVE, actor)
        if self.overdue and not (resolution.overdue_reason or "").strip():
            raise InvalidField("overdue_reason", "required: the ticket's SLA was breached")
        self.resolution = resolution
        payload = TicketResolvedPayload(
            cause=resolution.cause,
            solution=resolution.solution,
            closure_code=resolution.closure_code,
            overdue_reason=resolution.overdue_reason,
        )
        self._emit(TicketResolved, payload, actor, now)
        self._clear_major_alert(actor, now)
        self._finish(Command.RESOLVE, target, actor, now)

    def customer_reply(self, message: str, actor: Actor, now: datetime) -> FollowUp | None:
        """Back to work; on a closed ticket, a follow-up to register as a new ticket."""
        target = self._target(Command.CUSTOMER_REPLY, actor)
        if self.status is TicketStatus.CLOSED:
            self._finish(Command.CUSTOMER_REPLY, target, actor, now, "follow-up ticket")
            return FollowUp(self.ticket_id, message, actor.id)
        self._emit(
            CustomerReplied, CustomerRepliedPayload(message=message, status=target), actor, now
        )
        self._finish(Command.CUSTOMER_REPLY, target, actor, now)
        return None

    def confirm(self, actor: Actor, now: datetime) -> None:
        self._close(Command.CONFIRM, ClosureReason.CONFIRMED, actor, now)

    def auto_close(self, actor: Actor, now: datetime) -> None:
        self._close(Command.AUTO_CLOSE, ClosureReason.AUTO_CLOSED, actor, now)

    def close(self, actor: Actor, now: datetime) -> None:
        self._close(Command.CLOSE, ClosureReason.CANCELED, actor, now)

    def cancel(self, reason: str, actor: Actor, now: datetime) -> None:
        target = self._target(Command.CANCEL, actor)
        self._emit(TicketCanceled, TicketCanceledPayload(reason=reason), actor, now)
        self._emit(TicketClosed, TicketClosedPayload(reason=ClosureReason.CANCELED), actor, now)
        self._clear_major_alert(actor, now)
        self._finish(Command.CANCEL, target, actor, now, reason)

    def _close(self, command: Command, reason: ClosureReason, actor: Actor, now: datetime) -> None:
        target = self._target(command, actor)
        self._emit(TicketClosed, TicketClosedPayload(reason=reason), actor, now)
        self._clear_major_alert(actor, now)
        self._finish(command, target, actor, now, reason.value)
