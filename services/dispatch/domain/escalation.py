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


class EscalationCommands(WorkOrderState):
    def urge(self, note: str | None, auto_escalate_at: int, actor: Actor, now: datetime) -> None:
        """催办: counted; every ``auto_escalate_at``-th urge escalates when it still can."""
        target = self._target(Command.URGE, actor)
        self.urge_count += 1
        self.last_urged_at = now
        payload = TicketUrgedPayload(
            urge_count=self.urge_count, assignee=self.assignee, note=note, status=target
        )
        self._emit(TicketUrged, payload, actor, now)
        self._finish(Command.URGE, target, actor, now, note)
        if (
            auto_escalate_at > 0
            and self.urge_count % auto_escalate_at == 0
            and self._can_escalate()
        ):
            note = f"{self.urge_count} urges"
            self.escalate(EscalationReason.SLA_AT_RISK, None, None, note, SYSTEM_ACTOR, now)

    def escalate(
        self,
        reason: EscalationReason,
        assignee: str | None,
        group: str | None,
        note: str | None,
        actor: Actor,
        now: datetime,
    ) -> None:
        target = self._target(Command.ESCALATE, actor)
        if self.support_line not in NEXT_LINE:
            allowed = [c for c in self.allowed_commands if c != Command.ESCALATE]
            raise IllegalTransition(
                f"already at the last support line {self.support_line}", allowed
            )
        if assignee is None and group is None and actor.role not in UNTARGETED:
            raise InvalidField("assignee", "an escalation needs a new assignee or group")
        from_line, self.support_line = self.support_line, NEXT_LINE[self.support_line]
        self.assignee = assignee or self.assignee
        self.group = group or self.group
        payload = TicketEscalatedPayload(
            from_line=from_line,
            to_line=self.support_line,
            assignee=self.assignee,
            group=self.group,
            reason=reason,
            note=note,
            status=target,
        )
        self._emit(TicketEscalated, payload, actor, now)
        self._finish(Command.ESCALATE, target, actor, now, reason.value)

    def upgrade_severity(
        self, to: Severity, reason: str | None, actor: Actor, now: datetime
    ) -> None:
        """normal → urgent → major, never down; major raises the on-duty alert banner."""
        target = self._target(Command.UPGRADE_SEVERITY, actor)
        if SEVERITY_RANK[to] <= SEVERITY_RANK[self.severity]:
            higher = [s.value for s in Severity if SEVERITY_RANK[s] > SEVERITY_RANK[self.severity]]
            raise Conflict(f"severity {self.severity} can only be upgraded", allowed=higher)
        before, self.severity = self.severity, to
        payload = TicketSeverityUpgradedPayload(
            from_severity=before, to_severity=to, reason=reason, status=target
        )
        self._emit(TicketSeverityUpgraded, payload, actor, now)
        self._raise_priority_for_severity(actor, now)
        self._finish(Command.UPGRADE_SEVERITY, target, actor, now, reason)
        if to is Severity.MAJOR:
            self.raise_major_alert(actor, now)

    def _raise_priority_for_severity(self, actor: Actor, now: datetime) -> None:
        ceiling = PRIORITY_CEILING.get(self.severity)
        if ceiling is None or self.priority <= ceiling:
            return
        before, self.priority = self.priority, ceiling
        payload = TicketPriorityChangedPayload(
            from_priority=before,
            to_priority=ceiling,
            reason=f"severity upgraded to {self.severity}",
            status=self.status,
        )
        self._emit(TicketPriorityChanged, payload, actor, now)

    def _can_escalate(self) -> bool:
        return (self.status, Command.ESCALATE) in TABLE and self.support_line in NEXT_LINE
