"""跟踪工单: when closing, the handler may follow the ticket up on a date.

The tracking is set with ``resolve`` (``follow_up``) or later with ``track`` on a resolved
or closed ticket; it shows in the tracker's "tracked" view from its date on, until it is
closed out or turned into a new, linked ticket (submitted upstream like a customer's
reply to a closed ticket).
"""

from dataclasses import replace
from datetime import datetime, timedelta

from services.dispatch.domain.command_names import Command
from services.dispatch.domain.errors import Forbidden, InvalidField
from services.dispatch.domain.roles import OVERRIDERS
from services.dispatch.domain.state import WorkOrderState
from services.dispatch.domain.values import FollowUp, FollowUpPlan, Tracking, TrackingState
from shared.events import Actor
from shared.events.dispatch import (
    TrackingClosed,
    TrackingClosedPayload,
    TrackingConverted,
    TrackingConvertedPayload,
    TrackingSet,
    TrackingSetPayload,
)

# Dates are the caller's local dates: "today" somewhere west of UTC is yesterday in UTC.
DATE_GRACE = timedelta(days=1)
TRACKING_HORIZON = timedelta(days=366)


def check_plan(plan: FollowUpPlan, now: datetime, field: str = "on") -> None:
    if plan.on < (now - DATE_GRACE).date():
        raise InvalidField(field, f"is in the past (today is {now.date().isoformat()})")
    if plan.on > (now + TRACKING_HORIZON).date():
        raise InvalidField(field, f"is more than {TRACKING_HORIZON.days} days ahead")


def track(order: WorkOrderState, plan: FollowUpPlan, actor: Actor, now: datetime) -> None:
    """On a resolved or closed ticket; tracking it again moves the date (and the tracker)."""
    target = order.next_status(Command.TRACK, actor)
    check_plan(plan, now)
    set_tracking(order, plan, actor, now)
    order.finish(Command.TRACK, target, actor, now, plan.note)


def set_tracking(order: WorkOrderState, plan: FollowUpPlan, actor: Actor, now: datetime) -> None:
    order.tracking = Tracking(plan.on, plan.note, actor.id, now)
    payload = TrackingSetPayload(
        on=plan.on, note=plan.note, tracked_by=actor.id, status=order.status
    )
    order.record(TrackingSet, payload, actor, now)


def close_tracking(order: WorkOrderState, note: str | None, actor: Actor, now: datetime) -> None:
    target = order.next_status(Command.CLOSE_TRACKING, actor)
    current = _mine(order, actor)
    order.tracking = replace(current, state=TrackingState.CLOSED, ended_by=actor.id, ended_at=now)
    payload = TrackingClosedPayload(
        on=current.on, tracked_by=current.tracked_by, note=note, status=target
    )
    order.record(TrackingClosed, payload, actor, now)
    order.finish(Command.CLOSE_TRACKING, target, actor, now, note)


def to_new_ticket(
    order: WorkOrderState, description: str | None, actor: Actor, now: datetime
) -> FollowUp:
    """The follow-up becomes a new ticket related to this one; its submission reference."""
    target = order.next_status(Command.TRACK_TO_NEW_TICKET, actor)
    current = _mine(order, actor)
    text = (description or "").strip() or current.note or f"Follow-up of {order.number}"
    # the history step this command adds: unique per ticket, so intake registers it once
    ref = f"{order.number}-track-{len(order.history) + 1}"[:128]
    order.tracking = replace(
        current, state=TrackingState.CONVERTED, ended_by=actor.id, ended_at=now, external_ref=ref
    )
    payload = TrackingConvertedPayload(
        on=current.on, tracked_by=current.tracked_by, external_ref=ref, description=text,
        status=target,
    )  # fmt: skip
    order.record(TrackingConverted, payload, actor, now)
    order.finish(Command.TRACK_TO_NEW_TICKET, target, actor, now, ref)
    return FollowUp(order.ticket_id, text, actor.id, external_ref=ref, subject_prefix="Follow-up")


def _mine(order: WorkOrderState, actor: Actor) -> Tracking:
    current = order.tracking
    assert current is not None  # the command's precondition
    if actor.id != current.tracked_by and actor.role not in OVERRIDERS:
        raise Forbidden(f"the ticket is tracked by {current.tracked_by}", sorted(OVERRIDERS))
    return current
