"""SLA policies: which targets apply to a ticket, first match by explicit order."""

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from services.sla.domain.calendar import Calendar, business_seconds_between, end_of_nth_business_day
from shared.events.sla import SlaMetric
from shared.events.vocabulary import Priority, Severity, TicketStatus, TicketType

DEFAULT_THRESHOLDS = (50, 75, 90)
DEFAULT_PAUSE_STATUSES = frozenset({TicketStatus.WAITING_CUSTOMER, TicketStatus.ON_HOLD})
HOUR = 3600


class TargetUnit(StrEnum):
    BUSINESS_SECONDS = "business_seconds"
    WORKING_DAYS = "working_days"  # the end of the Nth business day, not N×24 h


@dataclass(frozen=True)
class Target:
    metric: SlaMetric
    amount: int
    unit: TargetUnit = TargetUnit.BUSINESS_SECONDS

    def __post_init__(self) -> None:
        if self.amount < 1:
            raise ValueError(f"the {self.metric} target must be positive")

    def business_seconds(self, calendar: Calendar, start: datetime) -> int:
        """The target as business seconds counted from the clock's start (registration, or
        the qc event that starts a quality-control metric); at least one."""
        if self.unit is TargetUnit.BUSINESS_SECONDS:
            return self.amount
        end = end_of_nth_business_day(calendar, start, self.amount)
        return max(1, business_seconds_between(calendar, start, end))


@dataclass(frozen=True)
class TicketFacts:
    """What a policy selects on."""

    type: TicketType
    severity: Severity
    priority: Priority
    service: str | None = None


@dataclass(frozen=True)
class Policy:
    """Matches when every non-empty criterion contains the ticket's value."""

    policy_id: str
    targets: tuple[Target, ...]
    types: frozenset[TicketType] = frozenset()
    severities: frozenset[Severity] = frozenset()
    priorities: frozenset[Priority] = frozenset()
    services: frozenset[str] = frozenset()
    thresholds: tuple[int, ...] = DEFAULT_THRESHOLDS
    pause_statuses: frozenset[TicketStatus] = field(default=DEFAULT_PAUSE_STATUSES)

    def __post_init__(self) -> None:
        if not self.targets:
            raise ValueError(f"policy {self.policy_id} has no target")
        metrics = [t.metric for t in self.targets]
        if len(set(metrics)) != len(metrics):
            raise ValueError(f"policy {self.policy_id} has two targets for one metric")
        if any(not 0 < p < 100 for p in self.thresholds):
            raise ValueError("warning thresholds are percentages between 1 and 99")
        object.__setattr__(self, "thresholds", tuple(sorted(set(self.thresholds))))

    def as_plain(self) -> dict[str, Any]:
        """Plain values only (strings, numbers, lists): what the API shows and the
        database keeps."""
        return {
            "policy_id": self.policy_id,
            "targets": [
                {"metric": t.metric.value, "amount": t.amount, "unit": t.unit.value}
                for t in self.targets
            ],
            "types": sorted(v.value for v in self.types),
            "severities": sorted(v.value for v in self.severities),
            "priorities": sorted(v.value for v in self.priorities),
            "services": sorted(self.services),
            "thresholds": list(self.thresholds),
            "pause_statuses": sorted(v.value for v in self.pause_statuses),
        }

    def matches(self, facts: TicketFacts) -> bool:
        return (
            _allows(self.types, facts.type)
            and _allows(self.severities, facts.severity)
            and _allows(self.priorities, facts.priority)
            and _allows(self.services, facts.service)
        )

    def target(self, metric: SlaMetric) -> Target | None:
        return next((t for t in self.targets if t.metric is metric), None)


@dataclass(frozen=True)
class TenantSettings:
    """Tenant-wide SLA rules besides the policies. ``approval_time_counts``: whether the
    time a proposed resolution waits for its approval chain (status ``pending_approval``)
    counts against the resolution target; False pauses the clock in that status."""

    approval_time_counts: bool = True


def with_settings(policies: Sequence[Policy], settings: TenantSettings) -> tuple[Policy, ...]:
    """The policies as the tenant's settings make them apply. Approval time not counting
    is one more pause status of every policy: before a resolution can be proposed the
    ticket is accepted, so of the ticket's clocks only the resolution clock still runs."""
    if settings.approval_time_counts:
        return tuple(policies)
    extra = frozenset({TicketStatus.PENDING_APPROVAL})
    return tuple(replace(p, pause_statuses=p.pause_statuses | extra) for p in policies)


def select_policy(policies: Sequence[Policy], facts: TicketFacts) -> Policy | None:
    """The first policy in order that matches, or None (the ticket has no SLA)."""
    return next((p for p in policies if p.matches(facts)), None)


def _allows(allowed: frozenset[object], value: object) -> bool:
    return not allowed or value in allowed


# Quality control's deadlines after closure, the same for every ticket: the inspection
# within 2 working days of its creation, an appeal within 3 of the judgement.
QC_TARGETS = (
    Target(SlaMetric.INSPECTION, 2, TargetUnit.WORKING_DAYS),
    Target(SlaMetric.APPEAL, 3, TargetUnit.WORKING_DAYS),
)


def _hours(transfer: int, resolution: int) -> tuple[Target, ...]:
    return (
        Target(SlaMetric.TRANSFER, transfer * HOUR),
        Target(SlaMetric.RESOLUTION, resolution * HOUR),
        *QC_TARGETS,
    )


def _working_days(days: int) -> tuple[Target, ...]:
    return (Target(SlaMetric.RESOLUTION, days, TargetUnit.WORKING_DAYS), *QC_TARGETS)


def default_policies() -> tuple[Policy, ...]:
    """The seeds' rules, in the order they are tried.

    Consultation 3 and complaint 7 working days (工单管理办法 第九条) come first; then the
    EOMS grades: emergency 1 h transfer / 4 h feedback, important 2 h / 14 h, minor
    3 h / 30 h, general 60 h / 144 h. A major severity is an emergency and an urgent one
    important whatever the priority; otherwise P1 → emergency, P2 → important,
    P3 → minor, P4/P5 → general. Every policy also times quality control: inspection
    2 and appeal 3 working days (``QC_TARGETS``).
    """
    return (
        Policy("consultation", _working_days(3), types=frozenset({TicketType.CONSULTATION})),
        Policy("complaint", _working_days(7), types=frozenset({TicketType.COMPLAINT})),
        Policy("emergency-major", _hours(1, 4), severities=frozenset({Severity.MAJOR})),
        Policy("important-urgent", _hours(2, 14), severities=frozenset({Severity.URGENT})),
        Policy("emergency", _hours(1, 4), priorities=frozenset({Priority.P1})),
        Policy("important", _hours(2, 14), priorities=frozenset({Priority.P2})),
        Policy("minor", _hours(3, 30), priorities=frozenset({Priority.P3})),
        Policy("general", _hours(60, 144)),
    )
