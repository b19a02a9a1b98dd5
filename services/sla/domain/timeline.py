"""The explainable view of a ticket's SLA: why it is (or is not) overdue, clock by clock,
quality control's clocks (inspection, appeal) among them."""

from dataclasses import dataclass
from datetime import datetime

from services.sla.domain.calendar import SECOND, Calendar
from services.sla.domain.clock import BreachFired, MetricClock, Pause, WarningFired
from services.sla.domain.ticket_sla import AutoClose, GrantedExtension, Judgement, TicketSla
from shared.events.sla import SlaMetric


@dataclass(frozen=True)
class ClockTimeline:
    metric: SlaMetric
    policy_id: str
    state: str  # running | paused | stopped
    target_seconds: int
    started_at: datetime
    stopped_at: datetime | None
    stop_reason: str | None
    due_at: datetime | None
    elapsed_seconds: int
    paused_seconds: int
    remaining_seconds: int  # negative once overdue
    thresholds: tuple[int, ...]
    pauses: list[Pause]
    warnings: list[WarningFired]
    breach: BreachFired | None


@dataclass(frozen=True)
class SlaTimeline:
    ticket_id: str
    tenant_id: str
    policy_id: str | None
    status: str
    registered_at: datetime
    calendar_zone: str
    clocks: list[ClockTimeline]
    autoclose: AutoClose | None
    judgement: Judgement | None  # whose appeal window the appeal clock times
    extensions: list[GrantedExtension]  # approved, with who approved them
    next_due_at: datetime | None
    as_of: datetime


def timeline(sla: TicketSla, calendar: Calendar, now: datetime) -> SlaTimeline:
    return SlaTimeline(
        ticket_id=sla.ticket_id,
        tenant_id=sla.tenant_id,
        policy_id=sla.policy_id,
        status=sla.status.value,
        registered_at=sla.registered_at,
        calendar_zone=calendar.zone,
        clocks=[_clock(sla, clock, calendar, now) for clock in sla.clocks.values()],
        autoclose=sla.autoclose,
        judgement=sla.judgement,
        extensions=list(sla.extensions),
        next_due_at=sla.next_due_at(calendar, now),
        as_of=now,
    )


def _clock(sla: TicketSla, clock: MetricClock, calendar: Calendar, now: datetime) -> ClockTimeline:
    log = sla.status_log
    elapsed = clock.elapsed(calendar, log, now) // SECOND
    pauses = clock.pauses(calendar, log, now)
    state = "stopped" if not clock.running else "paused" if clock.paused_now(log) else "running"
    return ClockTimeline(
        metric=clock.metric,
        policy_id=clock.policy_id,
        state=state,
        target_seconds=clock.target_seconds,
        started_at=clock.started_at,
        stopped_at=clock.stopped_at,
        stop_reason=clock.stop_reason,
        due_at=clock.due_at(calendar, log, now),
        elapsed_seconds=elapsed,
        paused_seconds=sum(p.business_seconds for p in pauses),
        remaining_seconds=clock.target_seconds - elapsed,
        thresholds=clock.thresholds,
        pauses=pauses,
        warnings=list(clock.warnings),
        breach=clock.breach,
    )
