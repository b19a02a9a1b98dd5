"""A ticket's SLA: its facts, status log, one clock per metric and the auto-close timer.

The aggregate records the SLA events it causes in ``events``; the application layer
publishes them through the outbox in the same transaction as the new state.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum

from services.sla.domain.calendar import Calendar, end_of_nth_business_day
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
# What stops each metric: the milestone recorded when it happens.
STOPPED_BY: dict[SlaMetric, tuple[str, ...]] = {
    SlaMetric.RESPONSE: ("accepted",),
    SlaMetric.TRANSFER: ("transferred", "accepted"),
    SlaMetric.RESOLUTION: ("resolved",),
}


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
        """(Re)compute every clock from the registration time and the status log.

        What already fired stays fired: a warning or breach is never published twice.
        Clocks of metrics the new policy lacks are stopped, not forgotten.
        """
        self.policy_id = policy.policy_id if policy else None
        wanted = {t.metric for t in policy.targets} if policy else set()
        for metric, clock in self.clocks.items():
            if metric not in wanted:
                clock.stop(self.registered_at, "policy_changed")
        if policy is not None:
            for target in policy.targets:
                seconds = target.business_seconds(calendar, self.registered_at)
                self._retarget(target.metric, policy, seconds)

    def _retarget(self, metric: SlaMetric, policy: Policy, seconds: int) -> None:
        clock = self.clocks.get(metric) or self._new_clock(metric, policy, seconds)
        clock.policy_id, clock.target_seconds = policy.policy_id, seconds
        clock.thresholds, clock.pause_statuses = policy.thresholds, policy.pause_statuses
        if clock.stop_reason == "policy_changed":
            clock.resume()
        self._restop(clock)
        self.clocks[metric] = clock

    @property
    def closed(self) -> bool:
        return self.status in FINAL

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
        """The first accept / transfer / resolve stops the metrics it ends."""
        self.milestones.setdefault(milestone, at)
        for clock in self.clocks.values():
            if milestone in STOPPED_BY[clock.metric]:
                clock.stop(at, milestone)

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

    def _new_clock(self, metric: SlaMetric, policy: Policy, seconds: int) -> MetricClock:
        return MetricClock(
            metric, policy.policy_id, seconds, policy.thresholds, policy.pause_statuses,
            started_at=self.registered_at,
        )  # fmt: skip

    def _restop(self, clock: MetricClock) -> None:
        reached = [
            (self.milestones[m], m) for m in STOPPED_BY[clock.metric] if m in self.milestones
        ]
        if reached and clock.running:
            clock.stop(*min(reached))
        if self.status in FINAL and clock.running:
            clock.stop(self.status_log[-1].since, "closed")

    def _reopen(self, at: datetime) -> None:
        clock = self.clocks.get(SlaMetric.RESOLUTION)
        self.milestones.pop("resolved", None)
        if clock is not None and clock.stop_reason == "resolved":
            clock.resume()
        self.cancel_autoclose(at, "reopened")

    def _finish(self, at: datetime) -> None:
        for clock in self.clocks.values():
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
