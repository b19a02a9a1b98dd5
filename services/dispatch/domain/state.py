"""The state of one ticket's workflow and the bookkeeping every command shares."""

import builtins
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from services.dispatch.domain.command_names import Command
from services.dispatch.domain.errors import IllegalTransition
from services.dispatch.domain.transitions import TABLE, allowed_commands, role_may, transition
from services.dispatch.domain.values import (
    Approval,
    Extension,
    ExtensionState,
    HistoryEntry,
    Resolution,
    Tracking,
    TrackingState,
)
from shared.events import Actor, EventEnvelope, Frozen
from shared.events.dispatch import (
    Appointment,
    MajorAlertCleared,
    MajorAlertClearedPayload,
    MajorAlertRaised,
    MajorAlertRaisedPayload,
    SupportLine,
    TicketStatusChanged,
    TicketStatusChangedPayload,
)
from shared.events.submissions import RecordedContact
from shared.events.vocabulary import Channel, Priority, Severity, TicketStatus, TicketType

PRODUCER = "dispatch"


@dataclass
class WorkOrderState:
    ticket_id: str
    tenant_id: str
    number: str
    type: TicketType
    priority: Priority
    severity: Severity
    status: TicketStatus
    subject: str = ""
    source: Channel = Channel.UPSTREAM
    contact: RecordedContact | None = None
    account_id: str | None = None
    service: str | None = None
    region: str | None = None
    lon: float | None = None
    lat: float | None = None
    tags: list[str] = field(default_factory=list)
    needs_onsite: bool = False
    assignee: str | None = None
    group: str | None = None
    support_line: SupportLine = SupportLine.L1
    watchers: list[str] = field(default_factory=list)
    shared_with: list[str] = field(default_factory=list)
    appointment: Appointment | None = None
    resolution: Resolution | None = None
    urge_count: int = 0
    last_urged_at: datetime | None = None
    overdue: bool = False
    major_alert: bool = False
    problems: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    related_to: str | None = None
    parent_id: str | None = None  # the parent incident it is resolved with (an outage's)
    approval: Approval | None = None
    extensions: list[Extension] = field(default_factory=list)
    tracking: Tracking | None = None
    history: list[HistoryEntry] = field(default_factory=list)
    version: int = 0
    events: list[EventEnvelope] = field(default_factory=list, compare=False)

    @property
    def pending_extension(self) -> Extension | None:
        return next((e for e in self.extensions if e.state is ExtensionState.PENDING), None)

    @property
    def tracked(self) -> bool:
        return self.tracking is not None and self.tracking.state is TrackingState.ACTIVE

    @property
    def allowed_commands(self) -> list[str]:
        """The table's commands for the status whose precondition holds now."""
        return [c for c in allowed_commands(self.status) if _holds(self, Command(c))]

    def allowed_for(self, role: str) -> list[str]:
        """The allowed commands ``role`` may run, so a page offers no button that would
        only be refused (a customer's confirm to an engineer)."""
        return [c for c in self.allowed_commands if role_may(self.status, Command(c), role)]

    def next_status(self, command: Command, actor: Actor) -> TicketStatus:
        """The table's target; refused (409 naming what is allowed now, 403 naming the
        roles) if the status, the role or the command's precondition says no."""
        if (self.status, command) not in TABLE:
            raise IllegalTransition(
                f"cannot {command.value} a ticket in status {self.status.value}",
                allowed=self.allowed_commands,
            )
        found = transition(self.status, command, actor.role)
        if not _holds(self, command):
            raise IllegalTransition(
                f"cannot {command.value}: {PRECONDITIONS[command][1]}", self.allowed_commands
            )
        return found.target

    def record(
        self, kind: builtins.type[EventEnvelope], payload: Frozen, actor: Actor, now: datetime
    ) -> None:
        build: Callable[..., EventEnvelope] = kind
        event = build(
            occurred_at=now,
            producer=PRODUCER,
            tenant_id=self.tenant_id,
            ticket_id=self.ticket_id,
            actor=actor,
            payload=payload,
        )
        self.events.append(event)

    def finish(
        self,
        command: Command,
        target: TicketStatus,
        actor: Actor,
        now: datetime,
        reason: str | None = None,
        private: bool = False,
    ) -> None:
        """Move to ``target``, log the step, announce the status change if there was one.
        A ``private`` reason (an approver's) is logged but not announced."""
        source, self.status = self.status, target
        self.history.append(
            HistoryEntry(now, command.value, source, target, actor.id, actor.role, reason)
        )
        if target is not source:
            payload = TicketStatusChangedPayload(
                from_status=source,
                to_status=target,
                command=command.value,
                reason=None if private else reason,
                assignee=self.assignee,
                group=self.group,
                priority=self.priority,
                severity=self.severity,
                watchers=list(self.watchers),
            )
            self.record(TicketStatusChanged, payload, actor, now)

    def clear_major_alert(self, actor: Actor, now: datetime) -> None:
        """The banner stays up until someone accepts the ticket (or it is finished)."""
        if self.major_alert:
            self.major_alert = False
            self.record(
                MajorAlertCleared, MajorAlertClearedPayload(cleared_by=actor.id), actor, now
            )

    def raise_major_alert(self, actor: Actor, now: datetime) -> None:
        """重大: the banner on every on-duty dashboard until someone accepts the ticket."""
        self.major_alert = True
        payload = MajorAlertRaisedPayload(
            number=self.number, subject=self.subject, severity=self.severity, assignee=self.assignee
        )
        self.record(MajorAlertRaised, payload, actor, now)


# What must hold, besides the status and the role, for a command to be allowed now.
PRECONDITIONS: dict[Command, tuple[Callable[[WorkOrderState], bool], str]] = {
    Command.APPROVE: (lambda o: o.approval is not None, "no resolution waits for approval"),
    Command.REJECT: (lambda o: o.approval is not None, "no resolution waits for approval"),
    Command.REQUEST_EXTENSION: (
        lambda o: o.pending_extension is None,
        "an extension request is already waiting for a decision",
    ),
    Command.APPROVE_EXTENSION: (
        lambda o: o.pending_extension is not None,
        "no extension request waits for a decision",
    ),
    Command.REJECT_EXTENSION: (
        lambda o: o.pending_extension is not None,
        "no extension request waits for a decision",
    ),
    Command.CLOSE_TRACKING: (lambda o: o.tracked, "the ticket is not tracked"),
    Command.TRACK_TO_NEW_TICKET: (lambda o: o.tracked, "the ticket is not tracked"),
}


def _holds(order: WorkOrderState, command: Command) -> bool:
    rule = PRECONDITIONS.get(command)
    return rule is None or rule[0](order)
