"""The state of one ticket's workflow and the bookkeeping every command shares."""

import builtins
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from services.dispatch.domain.command_names import Command
from services.dispatch.domain.transitions import allowed_commands, transition
from services.dispatch.domain.values import HistoryEntry, Resolution
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
    history: list[HistoryEntry] = field(default_factory=list)
    version: int = 0
    events: list[EventEnvelope] = field(default_factory=list, compare=False)

    @property
    def allowed_commands(self) -> list[str]:
        return allowed_commands(self.status)

    def next_status(self, command: Command, actor: Actor) -> TicketStatus:
        return transition(self.status, command, actor.role).target

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
    ) -> None:
        """Move to ``target``, log the step, announce the status change if there was one."""
        source, self.status = self.status, target
        self.history.append(
            HistoryEntry(now, command.value, source, target, actor.id, actor.role, reason)
        )
        if target is not source:
            payload = TicketStatusChangedPayload(
                from_status=source,
                to_status=target,
                command=command.value,
                reason=reason,
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
