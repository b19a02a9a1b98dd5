"""延期: an approved extension moves the resolution due time; 审批: whether the time a
resolution waits for approval counts (a tenant setting, through the status log)."""

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

from services.sla.domain.calendar import always_open
from services.sla.domain.policy import Policy, Target, TenantSettings, TicketFacts, with_settings
from services.sla.domain.reactions import Rules, react
from services.sla.domain.ticket_sla import TicketSla
from shared.events import Actor
from shared.events.dispatch import (
    ExtensionApproved,
    ExtensionApprovedPayload,
    TicketPriorityChanged,
    TicketPriorityChangedPayload,
    TicketStatusChanged,
    TicketStatusChangedPayload,
)
from shared.events.sla import SlaBreached, SlaMetric, SlaWarningIssued
from shared.events.vocabulary import Priority, Severity, TicketStatus, TicketType

S = TicketStatus
T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
CAL = always_open()
POLICY = Policy("four-hours", (Target(SlaMetric.RESOLUTION, 4 * 3600),), thresholds=(50, 90))
RULES = Rules(CAL, (POLICY,), autoclose_days=0)


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def ticket(rules: Rules = RULES) -> TicketSla:
    facts = TicketFacts(TicketType.INCIDENT, Severity.NORMAL, Priority.P3)
    sla = TicketSla.register("t-1", "acme", facts, T0, S.IN_PROGRESS)
    sla.apply_policy(rules.policies[0], CAL)
    return sla


def extension(until: datetime, hours: float, extension_id: str = "x-1") -> ExtensionApproved:
    payload = ExtensionApprovedPayload(
        extension_id=extension_id, until=until, reason="spare card on order",
        requested_by="li.wei", requested_at=at(hours) - HOUR / 2, status=S.IN_PROGRESS,
    )  # fmt: skip
    return ExtensionApproved(
        event_id=uuid4(), occurred_at=at(hours), producer="dispatch", tenant_id="acme",
        ticket_id="t-1", actor=Actor(id="zhou.lead", role="group_lead"), payload=payload,
    )  # fmt: skip


def status(source: S, target: S, hours: float) -> TicketStatusChanged:
    payload = TicketStatusChangedPayload(from_status=source, to_status=target, command="x")
    return TicketStatusChanged(
        occurred_at=at(hours), producer="dispatch", tenant_id="acme", ticket_id="t-1",
        payload=payload,
    )  # fmt: skip


def fired(sla: TicketSla, hours: float) -> list[Any]:
    sla.evaluate(CAL, at(hours))
    found = list(sla.events)
    sla.events.clear()
    return found


def due(sla: TicketSla, hours: float) -> datetime | None:
    return sla.clocks[SlaMetric.RESOLUTION].due_at(CAL, sla.status_log, at(hours))


def test_an_approved_extension_moves_the_resolution_due_time_to_the_one_approved():
    sla = ticket()
    assert due(sla, 1) == at(4)
    react(sla, extension(at(10), 1), RULES)
    assert due(sla, 1) == at(10)
    assert sla.clocks[SlaMetric.RESOLUTION].target_seconds == 10 * 3600
    assert sla.next_due_at(CAL, at(1)) == at(5)  # the 50 % warning of the new target


def test_no_breach_before_the_new_time_and_warnings_recomputed():
    sla = ticket()
    assert [type(e) for e in fired(sla, 3.7)] == [SlaWarningIssued, SlaWarningIssued]
    react(sla, extension(at(12), 3.8), RULES)  # 3.8 h of 12 h: both warnings ahead again
    assert fired(sla, 4.5) == []  # the old due time passes quietly
    warnings = fired(sla, 6.1)
    assert [e.payload.threshold_percent for e in warnings] == [50]
    assert warnings[0].payload.due_at == at(12)
    assert [type(e) for e in fired(sla, 12)] == [SlaWarningIssued, SlaBreached]


def test_a_breach_already_fired_stays_fired():
    sla = ticket()
    assert SlaBreached in {type(e) for e in fired(sla, 5)}
    react(sla, extension(at(8), 5.5), RULES)
    assert due(sla, 6) == at(8)
    assert sla.clocks[SlaMetric.RESOLUTION].breach is not None
    assert not any(isinstance(e, SlaBreached) for e in fired(sla, 9))


def test_the_extension_survives_a_recompute_and_a_redelivery():
    sla = ticket()
    react(sla, extension(at(10), 1), RULES)
    react(sla, extension(at(20), 2), RULES)  # the same approval again: ignored
    payload = TicketPriorityChangedPayload(
        from_priority=Priority.P3, to_priority=Priority.P2, reason="x", status=S.IN_PROGRESS
    )
    raised = TicketPriorityChanged(
        occurred_at=at(2), producer="dispatch", tenant_id="acme", ticket_id="t-1",
        payload=payload,
    )  # fmt: skip
    react(sla, raised, RULES)
    assert due(sla, 2) == at(10)
    assert [e.approved_by for e in sla.extensions] == ["zhou.lead"]


def test_an_extension_never_shortens_the_target():
    sla = ticket()
    react(sla, extension(at(2), 1), RULES)
    assert due(sla, 1) == at(4)


def test_approval_time_counts_by_default():
    sla = ticket()
    react(sla, status(S.IN_PROGRESS, S.PENDING_APPROVAL, 1), RULES)
    assert due(sla, 2) == at(4)
    assert sla.clocks[SlaMetric.RESOLUTION].pauses(CAL, sla.status_log, at(2)) == []


def test_a_tenant_may_pause_the_resolution_clock_while_approval_is_pending():
    rules = Rules(CAL, with_settings((POLICY,), TenantSettings(False)), autoclose_days=0)
    sla = ticket(rules)
    react(sla, status(S.IN_PROGRESS, S.PENDING_APPROVAL, 1), rules)
    assert due(sla, 2) is None  # paused: the clock does not move
    react(sla, status(S.PENDING_APPROVAL, S.IN_PROGRESS, 3), rules)  # rejected after 2 h
    assert due(sla, 3) == at(6)
    [pause] = sla.clocks[SlaMetric.RESOLUTION].pauses(CAL, sla.status_log, at(3))
    assert (pause.status, pause.business_seconds) == (S.PENDING_APPROVAL, 2 * 3600)


def test_the_setting_applies_retroactively_from_the_status_log():
    sla = ticket()
    react(sla, status(S.IN_PROGRESS, S.PENDING_APPROVAL, 1), RULES)
    react(sla, status(S.PENDING_APPROVAL, S.IN_PROGRESS, 2), RULES)
    sla.apply_policy(with_settings((POLICY,), TenantSettings(False))[0], CAL)
    assert due(sla, 3) == at(5)
