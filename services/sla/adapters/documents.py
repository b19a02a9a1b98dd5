"""Mapping the SLA domain to MongoDB documents and back."""

from datetime import date
from typing import Any

from services.sla.domain.calendar import (
    Calendar,
    DayHours,
    DayKind,
    Preset,
    PresetDay,
    WorkingHours,
)
from services.sla.domain.clock import BreachFired, MetricClock, StatusSpan, WarningFired
from services.sla.domain.policy import Policy, Target, TargetUnit, TicketFacts
from services.sla.domain.ticket_sla import (
    AutoClose,
    AutoCloseState,
    GrantedExtension,
    Judgement,
    TicketSla,
)
from shared.events.sla import SlaMetric
from shared.events.vocabulary import Priority, Severity, TicketStatus, TicketType

Doc = dict[str, Any]


def _hours(hours: DayHours) -> list[str]:
    return [str(h) for h in hours]


def _parse_hours(texts: list[str]) -> DayHours:
    return tuple(sorted(WorkingHours.parse(t) for t in texts))


def calendar_document(calendar: Calendar) -> Doc:
    return {
        "zone": calendar.zone,
        "weekly": {str(day): _hours(h) for day, h in sorted(calendar.weekly.items())},
        "holidays": sorted(d.isoformat() for d in calendar.holidays),
        "extra_working_days": {
            d.isoformat(): _hours(h) for d, h in sorted(calendar.extra_working_days.items())
        },
        "preset": _preset_document(calendar.preset),
    }


def _preset_document(preset: Preset | None) -> Doc | None:
    if preset is None:
        return None
    return {
        "country": preset.country,
        "subdivision": preset.subdivision,
        "years": sorted(preset.years),
        "removed": sorted(d.isoformat() for d in preset.removed),
        "workday_hours": _hours(preset.workday_hours),
        "days": [
            {"date": d.isoformat(), "kind": e.kind.value, "name": e.name}
            for d, e in sorted(preset.days.items())
        ],
    }


def _preset_from(doc: Doc | None) -> Preset | None:
    if doc is None:
        return None
    days = [
        PresetDay(date.fromisoformat(d["date"]), DayKind(d["kind"]), d["name"]) for d in doc["days"]
    ]
    return Preset(
        country=doc["country"],
        subdivision=doc["subdivision"],
        years=frozenset(doc["years"]),
        days={d.day: d for d in days},
        removed=frozenset(date.fromisoformat(d) for d in doc["removed"]),
        workday_hours=_parse_hours(doc["workday_hours"]),
    )


def calendar_from(doc: Doc) -> Calendar:
    return Calendar(
        zone=doc["zone"],
        weekly={int(day): _parse_hours(h) for day, h in doc["weekly"].items()},
        holidays=frozenset(date.fromisoformat(d) for d in doc["holidays"]),
        extra_working_days={
            date.fromisoformat(d): _parse_hours(h) for d, h in doc["extra_working_days"].items()
        },
        preset=_preset_from(doc.get("preset")),  # calendars stored before presets have none
    )


def policy_from(doc: Doc) -> Policy:
    return Policy(
        policy_id=doc["policy_id"],
        targets=tuple(
            Target(SlaMetric(t["metric"]), t["amount"], TargetUnit(t["unit"]))
            for t in doc["targets"]
        ),
        types=frozenset(TicketType(v) for v in doc["types"]),
        severities=frozenset(Severity(v) for v in doc["severities"]),
        priorities=frozenset(Priority(v) for v in doc["priorities"]),
        services=frozenset(doc["services"]),
        thresholds=tuple(doc["thresholds"]),
        pause_statuses=frozenset(TicketStatus(v) for v in doc["pause_statuses"]),
    )


def _clock_document(clock: MetricClock) -> Doc:
    return {
        "metric": clock.metric.value,
        "policy_id": clock.policy_id,
        "target_seconds": clock.target_seconds,
        "thresholds": list(clock.thresholds),
        "pause_statuses": sorted(clock.pause_statuses),
        "started_at": clock.started_at,
        "stopped_at": clock.stopped_at,
        "stop_reason": clock.stop_reason,
        "warnings": [vars(w) for w in clock.warnings],
        "breach": vars(clock.breach) if clock.breach else None,
    }


def _clock_from(doc: Doc) -> MetricClock:
    return MetricClock(
        metric=SlaMetric(doc["metric"]),
        policy_id=doc["policy_id"],
        target_seconds=doc["target_seconds"],
        thresholds=tuple(doc["thresholds"]),
        pause_statuses=frozenset(TicketStatus(s) for s in doc["pause_statuses"]),
        started_at=doc["started_at"],
        stopped_at=doc["stopped_at"],
        stop_reason=doc["stop_reason"],
        warnings=[WarningFired(**w) for w in doc["warnings"]],
        breach=BreachFired(**doc["breach"]) if doc["breach"] else None,
    )


def _autoclose_document(auto: AutoClose | None) -> Doc | None:
    return None if auto is None else {**vars(auto), "state": auto.state.value}


def _autoclose_from(doc: Doc | None) -> AutoClose | None:
    return None if doc is None else AutoClose(**{**doc, "state": AutoCloseState(doc["state"])})


def ticket_document(sla: TicketSla) -> Doc:
    return {
        "_id": sla.ticket_id,
        "tenant_id": sla.tenant_id,
        "facts": {
            "type": sla.facts.type.value,
            "severity": sla.facts.severity.value,
            "priority": sla.facts.priority.value,
            "service": sla.facts.service,
        },
        "registered_at": sla.registered_at,
        "status_log": [
            {"status": s.status.value, "since": s.since, "until": s.until} for s in sla.status_log
        ],
        "policy_id": sla.policy_id,
        "clocks": [_clock_document(c) for c in sla.clocks.values()],
        "milestones": dict(sla.milestones),
        "autoclose": _autoclose_document(sla.autoclose),
        "judgement": vars(sla.judgement) if sla.judgement else None,
        "appeals": dict(sla.appeals),
        "extensions": [vars(e) for e in sla.extensions],
        "version": sla.version,
    }


def ticket_from(doc: Doc) -> TicketSla:
    facts = doc["facts"]
    clocks = [_clock_from(c) for c in doc["clocks"]]
    return TicketSla(
        ticket_id=doc["_id"],
        tenant_id=doc["tenant_id"],
        facts=TicketFacts(
            TicketType(facts["type"]),
            Severity(facts["severity"]),
            Priority(facts["priority"]),
            facts["service"],
        ),
        registered_at=doc["registered_at"],
        status_log=[
            StatusSpan(TicketStatus(s["status"]), s["since"], s["until"]) for s in doc["status_log"]
        ],
        policy_id=doc["policy_id"],
        clocks={c.metric: c for c in clocks},
        milestones=dict(doc["milestones"]),
        autoclose=_autoclose_from(doc["autoclose"]),
        # documents stored before quality control had clocks have neither field
        judgement=Judgement(**doc["judgement"]) if doc.get("judgement") else None,
        appeals=dict(doc.get("appeals") or {}),
        extensions=[GrantedExtension(**e) for e in doc.get("extensions") or []],
        version=doc["version"],
    )
