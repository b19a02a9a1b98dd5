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


def release(order: WorkOrderState, actor: Actor, now: datetime) -> None:
    order.finish(Command.RELEASE, order.next_status(Command.RELEASE, actor), actor, now)
    if order.severity is Severity.MAJOR:
        order.raise_major_alert(actor, now)


def assign(
    order: WorkOrderState,
    assignee: str,
    group: str | None,
    reason: str,
    actor: Actor,
    now: datetime,
) -> None:
    target = order.next_status(Command.ASSIGN, actor)
    previous, order.assignee, order.group = order.assignee, assignee, group
    payload = TicketAssignedPayload(
        assignee=assignee, group=group, previous_assignee=previous, reason=reason
    )
    order.record(TicketAssigned, payload, actor, now)
    order.finish(Command.ASSIGN, target, actor, now, reason)


def accept(
    order: WorkOrderState, appointment: Appointment | None, actor: Actor, now: datetime
) -> None:
    """接单; on-site work needs the agreed window (预约), otherwise it is a sign-off (签单)."""
    target = order.next_status(Command.ACCEPT, actor)
    if actor.id != order.assignee and actor.role not in OVERRIDERS:
        raise Forbidden(f"only the assignee {order.assignee} may accept", sorted(OVERRIDERS))
    if order.needs_onsite and appointment is None:
        raise InvalidField("appointment", "required: the ticket needs an on-site visit")
    if appointment is not None:
        check_appointment(appointment, now)
    order.appointment = appointment
    assignee = order.assignee or actor.id
    payload = TicketAcceptedPayload(assignee=assignee, appointment=appointment)
    order.record(TicketAccepted, payload, actor, now)
    order.clear_major_alert(actor, now)
    order.finish(Command.ACCEPT, target, actor, now)


def start(order: WorkOrderState, actor: Actor, now: datetime) -> None:
    order.finish(Command.START, order.next_status(Command.START, actor), actor, now)


def transfer(
    order: WorkOrderState,
    to_assignee: str,
    to_group: str | None,
    reason: str,
    actor: Actor,
    now: datetime,
) -> None:
    """转派 to exactly one person, who has to accept it again."""
    target = order.next_status(Command.TRANSFER, actor)
    if to_assignee == order.assignee:
        raise InvalidField("to_assignee", "is already the assignee")
    _hand_over(order, to_assignee, to_group or order.group, reason, actor, now)
    order.finish(Command.TRANSFER, target, actor, now, reason)


def return_to_centre(
    order: WorkOrderState, centre: str, reason: str, actor: Actor, now: datetime
) -> None:
    """Back to the dispatch-centre queue: nobody holds the ticket until it is assigned."""
    target = order.next_status(Command.RETURN_TO_CENTRE, actor)
    _hand_over(order, None, None, reason, actor, now)
    order.group = centre
    order.finish(Command.RETURN_TO_CENTRE, target, actor, now, reason)


def _hand_over(
    order: WorkOrderState,
    to: str | None,
    group: str | None,
    reason: str,
    actor: Actor,
    now: datetime,
) -> None:
    payload = TicketTransferredPayload(
        from_assignee=order.assignee,
        to_assignee=to,
        to_group=group,
        reason=reason,
        status=order.next_status(Command.TRANSFER if to else Command.RETURN_TO_CENTRE, actor),
    )
    order.assignee, order.group, order.appointment = to, group, None
    order.record(TicketTransferred, payload, actor, now)
