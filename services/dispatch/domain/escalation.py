"""Drawing attention: urge (催办), escalate to the next support line, upgrade severity."""

from datetime import datetime

from services.dispatch.domain.command_names import Command
from services.dispatch.domain.errors import IllegalTransition, InvalidField
from services.dispatch.domain.roles import Role
from services.dispatch.domain.state import WorkOrderState
from services.dispatch.domain.transitions import TABLE
from shared.errors import Conflict
from shared.events import SYSTEM_ACTOR, Actor
from shared.events.dispatch import (
    EscalationReason,
    SupportLine,
    TicketEscalated,
    TicketEscalatedPayload,
    TicketPriorityChanged,
    TicketPriorityChangedPayload,
    TicketSeverityUpgraded,
    TicketSeverityUpgradedPayload,
    TicketUrged,
    TicketUrgedPayload,
)
from shared.events.vocabulary import Priority, Severity

NEXT_LINE = {SupportLine.L1: SupportLine.L2, SupportLine.L2: SupportLine.L3}
SEVERITY_RANK = {Severity.NORMAL: 0, Severity.URGENT: 1, Severity.MAJOR: 2}
# The least urgent priority a severity allows (P1 is the most urgent).
PRIORITY_CEILING = {Severity.URGENT: Priority.P2, Severity.MAJOR: Priority.P1}
# Roles that escalate without naming who takes over: the customer's button, auto-escalation.
UNTARGETED = {Role.REQUESTER, Role.SYSTEM}


def escalation_reason(value: str) -> EscalationReason:
    """A reason from the fixed list; "raise the priority" is not one (seed 004)."""
    try:
        return EscalationReason(value)
    except ValueError:
        choices = ", ".join(r.value for r in EscalationReason)
        raise InvalidField(
            "reason", f"{value!r} is not an escalation reason; one of: {choices}"
        ) from None


def urge(
    order: WorkOrderState, note: str | None, auto_escalate_at: int, actor: Actor, now: datetime
) -> None:
    """催办: counted; every ``auto_escalate_at``-th urge escalates when it still can."""
    target = order.next_status(Command.URGE, actor)
    order.urge_count += 1
    order.last_urged_at = now
    payload = TicketUrgedPayload(
        urge_count=order.urge_count, assignee=order.assignee, note=note, status=target
    )
    order.record(TicketUrged, payload, actor, now)
    order.finish(Command.URGE, target, actor, now, note)
    if auto_escalate_at > 0 and order.urge_count % auto_escalate_at == 0 and _can_escalate(order):
        note = f"{order.urge_count} urges"
        escalate(order, EscalationReason.SLA_AT_RISK, None, None, note, SYSTEM_ACTOR, now)


def escalate(
    order: WorkOrderState,
    reason: EscalationReason,
    assignee: str | None,
    group: str | None,
    note: str | None,
    actor: Actor,
    now: datetime,
) -> None:
    target = order.next_status(Command.ESCALATE, actor)
    if order.support_line not in NEXT_LINE:
        allowed = [c for c in order.allowed_commands if c != Command.ESCALATE]
        raise IllegalTransition(f"already at the last support line {order.support_line}", allowed)
    if assignee is None and group is None and actor.role not in UNTARGETED:
        raise InvalidField("assignee", "an escalation needs a new assignee or group")
    from_line, order.support_line = order.support_line, NEXT_LINE[order.support_line]
    order.assignee = assignee or order.assignee
    order.group = group or order.group
    payload = TicketEscalatedPayload(
        from_line=from_line,
        to_line=order.support_line,
        assignee=order.assignee,
        group=order.group,
        reason=reason,
        note=note,
        status=target,
    )
    order.record(TicketEscalated, payload, actor, now)
    order.finish(Command.ESCALATE, target, actor, now, reason.value)


def upgrade_severity(
    order: WorkOrderState, to: Severity, reason: str | None, actor: Actor, now: datetime
) -> None:
    """normal → urgent → major, never down; major raises the on-duty alert banner."""
    target = order.next_status(Command.UPGRADE_SEVERITY, actor)
    if SEVERITY_RANK[to] <= SEVERITY_RANK[order.severity]:
        higher = [s.value for s in Severity if SEVERITY_RANK[s] > SEVERITY_RANK[order.severity]]
        raise Conflict(f"severity {order.severity} can only be upgraded", allowed=higher)
    before, order.severity = order.severity, to
    payload = TicketSeverityUpgradedPayload(
        from_severity=before, to_severity=to, reason=reason, status=target
    )
    order.record(TicketSeverityUpgraded, payload, actor, now)
    _raise_priority_for_severity(order, actor, now)
    order.finish(Command.UPGRADE_SEVERITY, target, actor, now, reason)
    if to is Severity.MAJOR:
        order.raise_major_alert(actor, now)


def _raise_priority_for_severity(order: WorkOrderState, actor: Actor, now: datetime) -> None:
    ceiling = PRIORITY_CEILING.get(order.severity)
    if ceiling is None or order.priority <= ceiling:
        return
    before, order.priority = order.priority, ceiling
    payload = TicketPriorityChangedPayload(
        from_priority=before,
        to_priority=ceiling,
        reason=f"severity upgraded to {order.severity}",
        status=order.status,
    )
    order.record(TicketPriorityChanged, payload, actor, now)


def _can_escalate(order: WorkOrderState) -> bool:
    return (order.status, Command.ESCALATE) in TABLE and order.support_line in NEXT_LINE
