"""One SLA clock per (ticket, metric): business time elapsed, minus paused business time.

Formulas (B = business time of the tenant's calendar between two instants):

    end         = stopped_at, or now while running
    paused      = Σ B(p ∩ [started_at, end))  over the ticket's spans in a pause status
    elapsed     = B(started_at, end) − paused
    instant(X)  = the first t with elapsed(t) = X: X spent on the running stretches
                  between pauses, in order (one step per pause)
    due_at      = instant(target);  warning p% fires at instant(target · p / 100)

While the ticket sits in a pause status a future instant does not exist (the clock does
not move), so ``due_at`` is None until it resumes. Nothing here is stored beyond the facts
(start, stop, target, what fired): every number is recomputed from the status log, which
is what makes a retroactive recompute on a priority change exact.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from services.sla.domain.calendar import (
    SECOND,
    Calendar,
    add_business_time,
    business_time_between,
)
from shared.events.sla import SlaMetric
from shared.events.vocabulary import TicketStatus

# The resolved period never counts: if the ticket is reopened its resolution clock resumes.
# (Quality control's clocks run after closure: the ticket's status never pauses them.)
ALWAYS_PAUSED = frozenset({TicketStatus.RESOLVED})


@dataclass(frozen=True)
class StatusSpan:
    status: TicketStatus
    since: datetime
    until: datetime | None = None


@dataclass(frozen=True)
class Pause:
    status: TicketStatus
    start: datetime
    end: datetime | None  # None: still paused
    business_seconds: int


@dataclass(frozen=True)
class WarningFired:
    threshold: int
    fired_at: datetime
    elapsed_seconds: int


@dataclass(frozen=True)
class BreachFired:
    fired_at: datetime
    due_at: datetime
    elapsed_seconds: int


@dataclass
class MetricClock:
    metric: SlaMetric
    policy_id: str
    target_seconds: int
    thresholds: tuple[int, ...]
    pause_statuses: frozenset[TicketStatus]
    started_at: datetime
    stopped_at: datetime | None = None
    stop_reason: str | None = None
    warnings: list[WarningFired] = field(default_factory=list)
    breach: BreachFired | None = None

    @property
    def running(self) -> bool:
        return self.stopped_at is None

    @property
    def target(self) -> timedelta:
        return timedelta(seconds=self.target_seconds)

    def threshold_amount(self, percent: int) -> timedelta:
        return timedelta(microseconds=self.target_seconds * percent * 10_000)

    def fired_thresholds(self) -> set[int]:
        return {w.threshold for w in self.warnings}

    def stop(self, at: datetime, reason: str) -> None:
        if self.running:
            self.stopped_at, self.stop_reason = max(at, self.started_at), reason

    def resume(self) -> None:
        self.stopped_at, self.stop_reason = None, None

    def end(self, now: datetime) -> datetime:
        return self.stopped_at if self.stopped_at is not None else now

    def paused_now(self, log: Sequence[StatusSpan]) -> bool:
        return self.running and bool(log) and self._pauses_in(log[-1].status)

    def pauses(self, calendar: Calendar, log: Sequence[StatusSpan], now: datetime) -> list[Pause]:
        end = self.end(now)
        result = []
        for span in log:
            if not self._pauses_in(span.status):
                continue
            start, stop = max(span.since, self.started_at), min(span.until or end, end)
            # a pause that began this instant is shown; an empty one after the stop is not
            if start < stop or (span.until is None and self.running and start == stop):
                seconds = business_time_between(calendar, start, stop) // SECOND
                result.append(Pause(span.status, start, span.until, seconds))
        return result

    def elapsed(self, calendar: Calendar, log: Sequence[StatusSpan], now: datetime) -> timedelta:
        # An event stamped by a clock ahead of ours can start the clock after "now".
        end = max(self.end(now), self.started_at)
        return business_time_between(calendar, self.started_at, end) - self._paused_before(
            calendar, log, end
        )

    def instant(
        self, calendar: Calendar, log: Sequence[StatusSpan], amount: timedelta, now: datetime
    ) -> datetime | None:
        """When elapsed reached (or will reach) ``amount``; None if the clock cannot get there.

        Walks the running stretches between pauses in order and spends ``amount`` on them:
        one calendar computation per pause, however long the pauses are.
        """
        if amount > self.elapsed(calendar, log, now) and (not self.running or self.paused_now(log)):
            return None
        if amount <= timedelta(0):
            return self.started_at
        cursor, left = self.started_at, amount
        for pause_start, pause_end in self._pause_spans(log):
            if pause_end is not None and pause_end <= cursor:
                continue
            if pause_start > cursor:
                running = business_time_between(calendar, cursor, pause_start)
                if left <= running:
                    return add_business_time(calendar, cursor, left)
                left -= running
            if pause_end is None:
                return None  # paused from here on: the amount is never reached
            cursor = max(cursor, pause_end)
        return add_business_time(calendar, cursor, left)

    def due_at(
        self, calendar: Calendar, log: Sequence[StatusSpan], now: datetime
    ) -> datetime | None:
        return self.instant(calendar, log, self.target, now)

    def next_fire_at(
        self, calendar: Calendar, log: Sequence[StatusSpan], now: datetime
    ) -> datetime | None:
        if not self.running:
            return None
        fired = self.fired_thresholds()
        amounts = [self.threshold_amount(p) for p in self.thresholds if p not in fired]
        if self.breach is None:
            amounts.append(self.target)
        instants = [self.instant(calendar, log, amount, now) for amount in amounts]
        return min((i for i in instants if i is not None), default=None)

    def fire_due(
        self, calendar: Calendar, log: Sequence[StatusSpan], now: datetime
    ) -> list[WarningFired | BreachFired]:
        """Warnings and breach reached by ``now`` that have not fired yet; each fires once.

        A stopped clock only still owes its breach (it ran out before it was stopped, while
        nobody was looking); its warnings would warn nobody any more.
        """
        elapsed = self.elapsed(calendar, log, now)
        seconds = elapsed // SECOND
        fired: list[WarningFired | BreachFired] = []
        if self.running:
            done = self.fired_thresholds()
            for percent in self.thresholds:
                if percent not in done and elapsed >= self.threshold_amount(percent):
                    fired.append(WarningFired(percent, now, seconds))
            self.warnings.extend(w for w in fired if isinstance(w, WarningFired))
        if self.breach is None and elapsed >= self.target:
            due = self.instant(calendar, log, self.target, now)
            self.breach = BreachFired(now, due or now, seconds)
            fired.append(self.breach)
        return fired

    def _pauses_in(self, status: TicketStatus) -> bool:
        if not self.metric.handles_the_ticket:
            return False
        return status in self.pause_statuses or status in ALWAYS_PAUSED

    def _pause_spans(self, log: Sequence[StatusSpan]) -> list[tuple[datetime, datetime | None]]:
        """The log's pause spans from the clock's start on, in order (None: still paused)."""
        spans = []
        for span in log:
            if self._pauses_in(span.status):
                start = max(span.since, self.started_at)
                if span.until is None or span.until > start:
                    spans.append((start, span.until))
        return spans

    def _paused_before(
        self, calendar: Calendar, log: Sequence[StatusSpan], until: datetime
    ) -> timedelta:
        total = timedelta(0)
        for start, end in self._pause_spans(log):
            stop = until if end is None else min(end, until)
            if stop > start:
                total += business_time_between(calendar, start, stop)
        return total
