"""延期申请: the handler asks for more time; a group lead or supervisor decides.

An approved extension moves the ticket's resolution target to the requested instant: the
SLA service recomputes the resolution clock from ``ticket.extension_approved``. One
request waits at a time; resolving or canceling the ticket withdraws it.
"""

from dataclasses import replace
from datetime import datetime, timedelta
from uuid import uuid4

from services.dispatch.domain.command_names import Command
from services.dispatch.domain.errors import Forbidden, InvalidField
from services.dispatch.domain.roles import OVERRIDERS
from services.dispatch.domain.state import WorkOrderState
from services.dispatch.domain.values import Extension, ExtensionState
from shared.events import Actor
from shared.events.dispatch import (
    ExtensionApproved,
    ExtensionApprovedPayload,
    ExtensionRejected,
    ExtensionRejectedPayload,
    ExtensionRequested,
    ExtensionRequestedPayload,
)

# A due time further ahead than this is a typo (2062 for 2026), not an extension.
EXTENSION_HORIZON = timedelta(days=365)


def request(
    order: WorkOrderState, until: datetime, reason: str, actor: Actor, now: datetime
) -> None:
    """Only the assignee (or a supervisor/admin) asks; ``until`` lies ahead."""
    target = order.next_status(Command.REQUEST_EXTENSION, actor)
    if actor.id != order.assignee and actor.role not in OVERRIDERS:
        raise Forbidden(f"only the assignee {order.assignee} may ask for more time", OVERRIDERS)
    if not reason.strip():
        raise InvalidField("reason", "say why more time is needed")
    if until <= now:
        raise InvalidField("until", f"must lie ahead (now is {now.isoformat()})")
    if until > now + EXTENSION_HORIZON:
        raise InvalidField("until", f"is more than {EXTENSION_HORIZON.days} days ahead")
    wanted = Extension(str(uuid4()), until, reason, actor.id, now)
    order.extensions.append(wanted)
    payload = ExtensionRequestedPayload(
        extension_id=wanted.extension_id, until=until, reason=reason, status=target
    )
    order.record(ExtensionRequested, payload, actor, now)
    order.finish(Command.REQUEST_EXTENSION, target, actor, now, reason)


def approve(order: WorkOrderState, comment: str | None, actor: Actor, now: datetime) -> None:
    target = order.next_status(Command.APPROVE_EXTENSION, actor)
    wanted = _decided(order, ExtensionState.APPROVED, comment, actor, now)
    payload = ExtensionApprovedPayload(
        extension_id=wanted.extension_id,
        until=wanted.until,
        reason=wanted.reason,
        requested_by=wanted.requested_by,
        requested_at=wanted.requested_at,
        comment=comment,
        status=target,
    )
    order.record(ExtensionApproved, payload, actor, now)
    order.finish(Command.APPROVE_EXTENSION, target, actor, now, comment)


def reject(order: WorkOrderState, reason: str, actor: Actor, now: datetime) -> None:
    target = order.next_status(Command.REJECT_EXTENSION, actor)
    if not reason.strip():
        raise InvalidField("reason", "say why the extension is rejected")
    wanted = _decided(order, ExtensionState.REJECTED, reason, actor, now)
    payload = ExtensionRejectedPayload(
        extension_id=wanted.extension_id,
        until=wanted.until,
        requested_by=wanted.requested_by,
        reason=reason,
        status=target,
    )
    order.record(ExtensionRejected, payload, actor, now)
    order.finish(Command.REJECT_EXTENSION, target, actor, now, reason)


def withdraw(order: WorkOrderState, now: datetime) -> None:
    """The ticket is resolved or canceled: a request nobody decided on lapses."""
    _settle(order, ExtensionState.WITHDRAWN, None, None, now)


def _decided(
    order: WorkOrderState, state: ExtensionState, note: str | None, actor: Actor, now: datetime
) -> Extension:
    wanted = order.pending_extension
    assert wanted is not None  # the command's precondition
    if actor.id == wanted.requested_by:
        raise Forbidden("whoever asked for more time may not decide on it", [])
    return _settle(order, state, actor.id, note, now) or wanted


def _settle(
    order: WorkOrderState, state: ExtensionState, by: str | None, note: str | None, now: datetime
) -> Extension | None:
    for index, wanted in enumerate(order.extensions):
        if wanted.state is ExtensionState.PENDING:
            decided = replace(
                wanted, state=state, decided_by=by, decided_at=now, decision_note=note
            )
            order.extensions[index] = decided
            return decided
    return None
