"""Who holds the ticket: release, assign (派单), accept (接单/签单), start, transfer (转派)."""

from datetime import datetime, timedelta

from services.dispatch.domain.command_names import Command
from services.dispatch.domain.errors import Forbidden, InvalidField
from services.dispatch.domain.roles import OVERRIDERS
from services.dispatch.domain.state import WorkOrderState
from shared.events import Actor, TicketAssigned, TicketAssignedPayload
from shared.events.dispatch import (
    Appointment,
    TicketAccepted,
    TicketAcceptedPayload,
    TicketTransferred,
    TicketTransferredPayload,
)
from shared.events.vocabulary import Severity

# An engineer who is already on site may still record the visit that has just begun.
APPOINTMENT_GRACE = timedelta(hours=1)
# How far ahead a visit can be agreed: beyond it a date is a typo (2062 for 2026).
APPOINTMENT_HORIZON = timedelta(days=90)
LONGEST_APPOINTMENT = timedelta(days=7)


def check_appointment(appointment: Appointment, now: datetime) -> None:
    """The agreed window lies ahead (or has just begun), within the horizon, and is a visit
    rather than a season."""
    if appointment.starts_at < now - APPOINTMENT_GRACE:
        raise InvalidField("appointment.starts_at", f"is in the past (now is {now.isoformat()})")
    if appointment.starts_at > now + APPOINTMENT_HORIZON:
        days = APPOINTMENT_HORIZON.days
        raise InvalidField("appointment.starts_at", f"is more than {days} days ahead")
    if appointment.ends_at - appointment.starts_at > LONGEST_APPOINTMENT:
        days = LONGEST_APPOINTMENT.days
        raise InvalidField("appointment.ends_at", f"a window is at most {days} days long")


class AssignmentCommands(WorkOrderState):
    def release(self, actor: Actor, now: datetime) -> None:
        self._finish(Command.RELEASE, self._target(Command.RELEASE, actor), actor, now)
        if self.severity is Severity.MAJOR:
            self.raise_major_alert(actor, now)

    def assign(
        self, assignee: str, group: str | None, reason: str, actor: Actor, now: datetime
    ) -> None:
        target = self._target(Command.ASSIGN, actor)
        previous, self.assignee, self.group = self.assignee, assignee, group
        payload = TicketAssignedPayload(
            assignee=assignee, group=group, previous_assignee=previous, reason=reason
        )
        self._emit(TicketAssigned, payload, actor, now)
        self._finish(Command.ASSIGN, target, actor, now, reason)

    def accept(self, appointment: Appointment | None, actor: Actor, now: datetime) -> None:
        """接单; on-site work needs the agreed window (预约), otherwise it is a sign-off (签单)."""
        target = self._target(Command.ACCEPT, actor)
        if actor.id != self.assignee and actor.role not in OVERRIDERS:
            raise Forbidden(f"only the assignee {self.assignee} may accept", sorted(OVERRIDERS))
        if self.needs_onsite and appointment is None:
            raise InvalidField("appointment", "required: the ticket needs an on-site visit")
        if appointment is not None:
            check_appointment(appointment, now)
        self.appointment = appointment
        assignee = self.assignee or actor.id
        payload = TicketAcceptedPayload(assignee=assignee, appointment=appointment)
        self._emit(TicketAccepted, payload, actor, now)
        self._clear_major_alert(actor, now)
        self._finish(Command.ACCEPT, target, actor, now)

    def start(self, actor: Actor, now: datetime) -> None:
        self._finish(Command.START, self._target(Command.START, actor), actor, now)

    def transfer(
        self, to_assignee: str, to_group: str | None, reason: str, actor: Actor, now: datetime
    ) -> None:
        """转派 to exactly one person, who has to accept it again."""
        target = self._target(Command.TRANSFER, actor)
        if to_assignee == self.assignee:
            raise InvalidField("to_assignee", "is already the assignee")
        self._hand_over(to_assignee, to_group or self.group, reason, actor, now)
        self._finish(Command.TRANSFER, target, actor, now, reason)

    def return_to_centre(self, centre: str, reason: str, actor: Actor, now: datetime) -> None:
        """Back to the dispatch-centre queue: nobody holds the ticket until it is assigned."""
        target = self._target(Command.RETURN_TO_CENTRE, actor)
        self._hand_over(None, None, reason, actor, now)
        self.group = centre
        self._finish(Command.RETURN_TO_CENTRE, target, actor, now, reason)

    def _hand_over(
        self, to: str | None, group: str | None, reason: str, actor: Actor, now: datetime
    ) -> None:
        payload = TicketTransferredPayload(
            from_assignee=self.assignee,
            to_assignee=to,
            to_group=group,
            reason=reason,
            status=self._target(Command.TRANSFER if to else Command.RETURN_TO_CENTRE, actor),
        )
        self.assignee, self.group, self.appointment = to, group, None
        self._emit(TicketTransferred, payload, actor, now)
