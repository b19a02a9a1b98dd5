"""A ticket's SLA: its facts, status log, one clock per metric and the auto-close timer.

Two kinds of metric: those that time the ticket's handling (response, transfer,
resolution) start at registration and end with the ticket; quality control's (inspection,
appeal) start at a qc event, usually after the ticket closed, and the ticket's status
neither pauses nor stops them.

The aggregate records the SLA events it causes in ``events``; the application layer
publishes them through the outbox in the same transaction as the new state.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum

from services.sla.domain.calendar import (
    SECOND,
    Calendar,
    business_time_between,
    end_of_nth_business_day,
)
from services.sla.domain.clock import BreachFired, MetricClock, StatusSpan, WarningFired
from services.sla.domain.policy import Policy, TicketFacts, select_policy
from shared.events.envelope import EventEnvelope
from shared.events.sla import (
    AutoCloseBecameDue,
    AutoCloseBecameDuePayload,
    SlaBreached,
    SlaBreachedPayload,
    SlaMetric,
    SlaWarningIssued,
    SlaWarningIssuedPayload,
)
from shared.events.vocabulary import Priority, Severity, TicketStatus

PRODUCER = "sla"
FINAL = frozenset({TicketStatus.CLOSED, TicketStatus.CANCELED})
INSPECTION_CREATED, INSPECTION_SUBMITTED = "inspection_created", "inspection_submitted"
# What stops each metric: the milestone recorded when it happens. (An appeal window ends
# with an appeal against *its* judgement: see ``TicketSla.appeals``.)
STOPPED_BY: dict[SlaMetric, tuple[str, ...]] = {
    SlaMetric.RESPONSE: ("accepted",),
    SlaMetric.TRANSFER: ("transferred", "accepted"),
    SlaMetric.RESOLUTION: ("resolved",),
    SlaMetric.INSPECTION: (INSPECTION_SUBMITTED,),
    SlaMetric.APPEAL: (),
}


@dataclass(frozen=True)
class Judgement:
    """The ticket's current responsibility judgement (判责): its appeal window opens at
    ``judged_at`` if it is appealable."""

    judgement_id: str
    judged_at: datetime
    appealable: bool

    def supersedes(self, other: "Judgement | None") -> bool:
        """A later judgement replaces an earlier one; the same one again changes nothing."""
        if other is None:
            return True
        if self.judgement_id == other.judgement_id:
            return False
        return (self.judged_at, self.judgement_id) > (other.judged_at, other.judgement_id)


@dataclass(frozen=True)
class GrantedExtension:
    """延期: an approved extension moves the resolution due time to ``until``."""

    extension_id: str
    until: datetime
    approved_at: datetime
    approved_by: str
    requested_by: str
    reason: str


class AutoCloseState(StrEnum):
    PENDING = "pending"
    CANCELED = "canceled"
    FIRED = "fired"


@dataclass
class AutoClose:
    resolved_at: datetime
    due_at: datetime
    state: AutoCloseState = AutoCloseState.PENDING
    ended_at: datetime | None = None
    ended_by: str | None = None


@dataclass
class TicketSla:
    ticket_id: str
    tenant_id: str
    facts: TicketFacts
    registered_at: datetime
    status_log: list[StatusSpan]
    policy_id: str | None = None
    clocks: dict[SlaMetric, MetricClock] = field(default_factory=dict)
    milestones: dict[str, datetime] = field(default_factory=dict)
    autoclose: AutoClose | None = None
    judgement: Judgement | None = None
    # judgement id → when the first appeal against it was filed (may precede the judgement)
    appeals: dict[str, datetime] = field(default_factory=dict)
    extensions: list[GrantedExtension] = field(default_factory=list)
    version: int = 0
    events: list[EventEnvelope] = field(default_factory=list, repr=False)

    @classmethod
    def register(
        cls,
        ticket_id: str,
        tenant_id: str,
        facts: TicketFacts,
        registered_at: datetime,
        status: TicketStatus,
    ) -> "TicketSla":
        return cls(ticket_id, tenant_id, facts, registered_at, [StatusSpan(status, registered_at)])

    @property
    def status(self) -> TicketStatus:
        return self.status_log[-1].status

    def apply_policy(self, policy: Policy | None, calendar: Calendar) -> None:
        """(Re)compute every clock from its start (registration, or the qc event that
        started it) and the status log.

        What already fired stays fired: a warning or breach is never published twice.
        Clocks of metrics the new policy lacks are stopped, not forgotten.
        A closed ticket's handling is history: its handling clocks keep the targets they
        ended with (a stricter policy later does not make a closed ticket overdue); only its
        quality-control clocks follow the new rules.
        """
        self.policy_id = policy.policy_id if policy else None
        wanted = {t.metric for t in policy.targets} if policy else set()
        for metric, clock in self.clocks.items():
            if metric not in wanted and not self._settled(metric):
                clock.stop(self.registered_at, "policy_changed")
        if policy is not None:
            for target in policy.targets:
                if not self._settled(target.metric):
                    self._track(target.metric, policy, calendar)

    def _settled(self, metric: SlaMetric) -> bool:
        return metric.handles_the_ticket and self.closed

    def _start_of(self, metric: SlaMetric) -> datetime | None:
        """When ``metric``'s clock starts; None while nothing started it."""
        if metric.handles_the_ticket:
            return self.registered_at
        if metric is SlaMetric.INSPECTION:
            return self.milestones.get(INSPECTION_CREATED)
        judgement = self.judgement
        return judgement.judged_at if judgement is not None and judgement.appealable else None

    def _track(self, metric: SlaMetric, policy: Policy | None, calendar: Calendar) -> None:
        """Start or retarget ``metric``'s clock if the policy times it and it has started."""
        target = policy.target(metric) if policy is not None else None
        start = self._start_of(metric)
        if policy is None or target is None or start is None:
            return
        seconds = target.business_seconds(calendar, start)
        clock = self.clocks.get(metric) or self._new_clock(metric, policy, seconds, start)
        clock.policy_id, clock.target_seconds = policy.policy_id, seconds
        if metric is SlaMetric.RESOLUTION:
            clock.target_seconds = max(seconds, self._extended_target(clock, calendar))
        clock.thresholds = policy.thresholds
        # quality control's clocks run on the calendar alone, whatever the ticket's status
        clock.pause_statuses = policy.pause_statuses if metric.handles_the_ticket else frozenset()
        if clock.stop_reason == "policy_changed":
            clock.resume()
        self._restop(clock)
        self.clocks[metric] = clock

    @property
    def closed(self) -> bool:
        return self.status in FINAL

    @property
    def open(self) -> bool:
        """Whether rule changes still move this ticket: it is open, or closed with a
        quality-control clock still running."""
        return not self.closed or any(
            c.running for c in self.clocks.values() if not c.metric.handles_the_ticket
        )

    def release(self, at: datetime, status: TicketStatus) -> None:
        """A quarantined ticket's SLA starts when its customer is verified, not before."""
        if self.status is TicketStatus.QUARANTINED:
            self.registered_at = max(at, self.registered_at)
        self.record_status(status, at)

    def record_status(self, status: TicketStatus, at: datetime) -> None:
        current = self.status_log[-1]
        if status == current.status:
            return
        at = max(at, current.since)
        self.status_log[-1] = replace(current, until=at)
        self.status_log.append(StatusSpan(status, at))
        if current.status is TicketStatus.RESOLVED and status not in FINAL:
            self._reopen(at)
        if status in FINAL:
            self._finish(at)

    def change_facts(
        self,
        policies: Sequence[Policy],
        calendar: Calendar,
        priority: Priority | None = None,
        severity: Severity | None = None,
    ) -> None:
        self.facts = replace(
            self.facts,
            priority=priority or self.facts.priority,
            severity=severity or self.facts.severity,
        )
        self.apply_policy(select_policy(policies, self.facts), calendar)

    def reach(self, milestone: str, at: datetime) -> None:
        """The first accept / transfer / resolve / inspection submitted stops the metrics
        it ends."""
        self.milestones.setdefault(milestone, at)
        for clock in self.clocks.values():
            if milestone in STOPPED_BY[clock.metric]:
                clock.stop(at, milestone)

    def open_inspection(self, at: datetime, policy: Policy | None, calendar: Calendar) -> None:
        """质检时限: the inspection metric runs from the first InspectionCreated; a
        submission seen earlier (out of order) stops it at once."""
        self.milestones.setdefault(INSPECTION_CREATED, at)
        self._track(SlaMetric.INSPECTION, self._current(policy), calendar)

    def judge(self, judgement: Judgement, policy: Policy | None, calendar: Calendar) -> None:
        """A later judgement replaces the current one: the appeal window starts again from
        its time (what the previous window fired stays fired), or, if it cannot be
        appealed, the previous window ends there. An older or repeated one changes nothing."""
        if not judgement.supersedes(self.judgement):
            return
        self.judgement = judgement
        previous = self.clocks.get(SlaMetric.APPEAL)
        if previous is not None and judgement.appealable:
            del self.clocks[SlaMetric.APPEAL]
        elif previous is not None:
            previous.stop(judgement.judged_at, "not_appealable")
        self._track(SlaMetric.APPEAL, self._current(policy), calendar)

    def file_appeal(self, judgement_id: str, at: datetime) -> None:
        """An appeal against the current judgement ends its window; one against another
        judgement (older, or one not seen yet) is remembered for it."""
        self.appeals.setdefault(judgement_id, at)
        clock = self.clocks.get(SlaMetric.APPEAL)
        if clock is not None and self.judgement and self.judgement.judgement_id == judgement_id:
            clock.stop(self.appeals[judgement_id], "appeal_filed")

    def extend(self, extension: GrantedExtension, calendar: Calendar) -> None:
        """An approved extension: the resolution target grows so that, running from the
        approval on, the clock is due at ``until``. Never shorter than the policy's target.
        Warnings the new target puts ahead fire again at their new instants; a breach that
        fired stays fired, one that had not is not due before ``until``. A redelivered
        approval changes nothing."""
        if any(e.extension_id == extension.extension_id for e in self.extensions):
            return
        self.extensions.append(extension)
        clock = self.clocks.get(SlaMetric.RESOLUTION)
        if clock is None or not clock.running or self.closed:
            return
        clock.target_seconds = max(clock.target_seconds, self._extended_target(clock, calendar))
        elapsed = clock.elapsed(calendar, self.status_log, extension.approved_at)
        clock.warnings = [
            w for w in clock.warnings if clock.threshold_amount(w.threshold) <= elapsed
        ]

    def _extended_target(self, clock: MetricClock, calendar: Calendar) -> int:
        """The target the latest extension asks for: what had elapsed at its approval plus
        the business time from then to ``until`` (0 without an extension)."""
        if not self.extensions:
            return 0
        latest = max(self.extensions, key=lambda e: e.approved_at)
        at = max(latest.approved_at, clock.started_at)
        elapsed = clock.elapsed(calendar, self.status_log, at)
        ahead = business_time_between(calendar, at, max(latest.until, at))
        return (elapsed + ahead) // SECOND

    def _current(self, policy: Policy | None) -> Policy | None:
        """No clock starts before the ticket's SLA does (a quarantined ticket's release)."""
        return None if self.status is TicketStatus.QUARANTINED else policy

    def resolve(self, at: datetime, calendar: Calendar, autoclose_days: int) -> None:
        self.reach("resolved", at)
        if autoclose_days > 0:
            due = end_of_nth_business_day(calendar, at, autoclose_days)
            self.autoclose = AutoClose(resolved_at=at, due_at=due)

    def cancel_autoclose(self, at: datetime, by: str) -> None:
        if self.autoclose and self.autoclose.state is AutoCloseState.PENDING:
            self.autoclose.state = AutoCloseState.CANCELED
            self.autoclose.ended_at, self.autoclose.ended_by = at, by

    def evaluate(self, calendar: Calendar, now: datetime) -> None:
        """Fire every warning, breach and auto-close that is due at ``now``, once each."""
        for clock in self.clocks.values():
            for fired in clock.fire_due(calendar, self.status_log, now):
                self.events.append(self._event(clock, fired, calendar, now))
        auto = self.autoclose
        if auto and auto.state is AutoCloseState.PENDING and auto.due_at <= now:
            auto.state, auto.ended_at, auto.ended_by = AutoCloseState.FIRED, now, "timer"
            self.events.append(self._autoclose_event(auto, now))

    def next_due_at(self, calendar: Calendar, now: datetime) -> datetime | None:
        """The earliest instant at which :meth:`evaluate` will have something to fire."""
        candidates = [c.next_fire_at(calendar, self.status_log, now) for c in self.clocks.values()]
        if self.autoclose and self.autoclose.state is AutoCloseState.PENDING:
            candidates.append(self.autoclose.due_at)
        return min((c for c in candidates if c is not None), default=None)

    def _new_clock(
        self, metric: SlaMetric, policy: Policy, seconds: int, start: datetime
    ) -> MetricClock:
        return MetricClock(
            metric, policy.policy_id, seconds, policy.thresholds, policy.pause_statuses,
            started_at=start,
        )  # fmt: skip

    def _restop(self, clock: MetricClock) -> None:
        reached = [
            (self.milestones[m], m) for m in STOPPED_BY[clock.metric] if m in self.milestones
        ]
        appealed = self.judgement and self.appeals.get(self.judgement.judgement_id)
        if clock.metric is SlaMetric.APPEAL and appealed:
            reached.append((appealed, "appeal_filed"))
        if reached and clock.running:
            clock.stop(*min(reached))
        if self.status in FINAL and clock.running and clock.metric.handles_the_ticket:
            clock.stop(self.status_log[-1].since, "closed")

    def _reopen(self, at: datetime) -> None:
        clock = self.clocks.get(SlaMetric.RESOLUTION)
        self.milestones.pop("resolved", None)
        if clock is not None and clock.stop_reason == "resolved":
            clock.resume()
        self.cancel_autoclose(at, "reopened")

    def _finish(self, at: datetime) -> None:
        for clock in self.clocks.values():
            if clock.metric.handles_the_ticket:
                clock.stop(at, "closed")
        self.cancel_autoclose(at, "closed")

    def _event(
        self,
        clock: MetricClock,
        fired: WarningFired | BreachFired,
        calendar: Calendar,
        now: datetime,
    ) -> EventEnvelope:
        common = {"occurred_at": now, "producer": PRODUCER, "tenant_id": self.tenant_id,
                  "ticket_id": self.ticket_id}  # fmt: skip
        if isinstance(fired, BreachFired):
            return SlaBreached(
                **common,
                payload=SlaBreachedPayload(
                    metric=clock.metric, policy_id=clock.policy_id,
                    target_seconds=clock.target_seconds, due_at=fired.due_at,
                ),
            )  # fmt: skip
        due = clock.due_at(calendar, self.status_log, now) or now
        return SlaWarningIssued(
            **common,
            payload=SlaWarningIssuedPayload(
                metric=clock.metric, policy_id=clock.policy_id,
                threshold_percent=fired.threshold, target_seconds=clock.target_seconds,
                elapsed_seconds=fired.elapsed_seconds, due_at=due,
            ),
        )  # fmt: skip

    def _autoclose_event(self, auto: AutoClose, now: datetime) -> AutoCloseBecameDue:
        return AutoCloseBecameDue(
            occurred_at=now, producer=PRODUCER, tenant_id=self.tenant_id,
            ticket_id=self.ticket_id,
            payload=AutoCloseBecameDuePayload(resolved_at=auto.resolved_at, due_at=auto.due_at),
        )  # fmt: skip
