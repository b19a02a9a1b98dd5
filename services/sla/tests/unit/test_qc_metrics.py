"""Quality control's deadlines as SLA clocks: inspection (created → submitted) and appeal
(judged → appeal filed), running after the ticket closed, redelivered and out of order."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from services.sla.adapters.documents import ticket_document, ticket_from
from services.sla.app import handlers
from services.sla.domain.calendar import Calendar, always_open, weekly_hours
from services.sla.domain.policy import Policy, Target, TargetUnit, TicketFacts, default_policies
from services.sla.domain.reactions import Rules, react
from services.sla.domain.ticket_sla import TicketSla
from services.sla.tests.fakes import FakeUnitOfWork, due_ids
from shared.clock import FakeClock
from shared.events import EventEnvelope
from shared.events.dispatch import (
    ClosureReason,
    TicketClosed,
    TicketClosedPayload,
    TicketResolved,
    TicketResolvedPayload,
)
from shared.events.qc import (
    AppealFiled,
    AppealFiledPayload,
    InspectionCreated,
    InspectionCreatedPayload,
    InspectionReason,
    InspectionSubmitted,
    InspectionSubmittedPayload,
    ResponsibilityJudged,
    ResponsibilityJudgedPayload,
)
from shared.events.sla import SlaBreached, SlaMetric, SlaWarningIssued
from shared.events.vocabulary import Priority, Severity, TicketStatus, TicketType
from shared.testing.builders import ticket_registered

SH = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 3, 2, 10, tzinfo=SH)  # Monday 10:00
HOUR = 3600
INS, A = SlaMetric.INSPECTION, SlaMetric.APPEAL
OFFICE = Calendar(weekly=weekly_hours(range(5), "09:00-18:00"))
POLICY = Policy(
    "p",
    (
        Target(SlaMetric.RESOLUTION, 4 * HOUR),
        Target(INS, 2, TargetUnit.WORKING_DAYS),
        Target(A, 3 * HOUR),
    ),
    thresholds=(50,),
)
RULES = Rules(OFFICE, (POLICY,), autoclose_days=3)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def qc(cls, payload, when: datetime, ticket_id: str = "t-1") -> EventEnvelope:
    return cls(occurred_at=when, producer="qc", tenant_id="acme", ticket_id=ticket_id,
               payload=payload)  # fmt: skip


def created(when: datetime, ticket_id: str = "t-1") -> EventEnvelope:
    payload = InspectionCreatedPayload(reason=InspectionReason.SAMPLE, overdue=False)
    return qc(InspectionCreated, payload, when, ticket_id)


def submitted(when: datetime) -> EventEnvelope:
    payload = InspectionSubmittedPayload(inspector="qa", score=90, passed=True, failed_items=[],
                                         defects=[])  # fmt: skip
    return qc(InspectionSubmitted, payload, when)


def judged(judgement_id: str, when: datetime, appealable: bool = True) -> EventEnvelope:
    payload = ResponsibilityJudgedPayload(
        judgement_id=judgement_id, judge="qa", unit="north", category="attitude",
        text="rude on the phone", appealable=appealable,
    )  # fmt: skip
    return qc(ResponsibilityJudged, payload, when)


def appealed(judgement_id: str, when: datetime) -> EventEnvelope:
    payload = AppealFiledPayload(
        judgement_id=judgement_id,
        appellant="zhang",
        unit="north",
        reason_category="evidence",
        text="the call log says otherwise",
    )
    return qc(AppealFiled, payload, when)


def closed_ticket() -> TicketSla:
    """Registered Monday 10:00, resolved at 11:00 and closed at 12:00."""
    facts = TicketFacts(TicketType.COMPLAINT, Severity.NORMAL, Priority.P3)
    sla = TicketSla.register("t-1", "acme", facts, T0, TicketStatus.ASSIGNED)
    sla.apply_policy(POLICY, OFFICE)
    resolved = TicketResolvedPayload(cause="c", solution="s", closure_code="fixed")
    react(sla, TicketResolved(occurred_at=at(60), producer="dispatch", tenant_id="acme",
                              ticket_id="t-1", payload=resolved), RULES)  # fmt: skip
    close = TicketClosedPayload(reason=ClosureReason.CONFIRMED)
    react(sla, TicketClosed(occurred_at=at(120), producer="dispatch", tenant_id="acme",
                            ticket_id="t-1", payload=close), RULES)  # fmt: skip
    assert sla.closed
    return sla


def kinds(sla: TicketSla) -> list[tuple[str, SlaMetric, int | None]]:
    out: list[tuple[str, SlaMetric, int | None]] = []
    for e in sla.events:
        if isinstance(e, SlaWarningIssued):
            out.append(("warning", e.payload.metric, e.payload.threshold_percent))
        elif isinstance(e, SlaBreached):
            out.append(("breach", e.payload.metric, None))
    return out


def test_an_inspection_of_a_closed_ticket_runs_on_the_calendar_and_breaches():
    sla = closed_ticket()
    react(sla, created(at(180)), RULES)  # Monday 13:00
    clock = sla.clocks[INS]
    assert clock.running
    assert clock.started_at == at(180)
    assert clock.pause_statuses == frozenset()
    # 2 working days from Monday: the close of Wednesday, never Monday + 48 h
    due = datetime(2026, 3, 4, 18, tzinfo=SH)
    assert clock.target_seconds == (5 + 9 + 9) * HOUR
    assert clock.due_at(OFFICE, sla.status_log, at(180)) == due
    assert sla.open  # a rule change still moves it
    assert sla.clocks[SlaMetric.RESOLUTION].stop_reason == "resolved"  # handling untouched
    sla.evaluate(OFFICE, due - timedelta(seconds=1))
    assert kinds(sla) == [("warning", INS, 50)]
    sla.events.clear()
    sla.evaluate(OFFICE, due)
    assert kinds(sla) == [("breach", INS, None)]
    [breach] = sla.events
    assert breach.payload.due_at == due
    sla.events.clear()
    sla.evaluate(OFFICE, due + timedelta(days=3))
    assert sla.events == []  # fired once


def test_a_submission_in_time_stops_the_inspection_clock():
    sla = closed_ticket()
    react(sla, created(at(180)), RULES)
    react(sla, submitted(at(240)), RULES)
    clock = sla.clocks[INS]
    assert clock.stop_reason == "inspection_submitted"
    assert clock.elapsed(OFFICE, sla.status_log, at(10_000)) == timedelta(hours=1)
    assert sla.next_due_at(OFFICE, at(240)) is None
    assert not sla.open
    sla.evaluate(OFFICE, at(100_000))
    assert sla.events == []


def test_a_submission_seen_before_the_creation_leaves_no_running_clock():
    sla = closed_ticket()
    react(sla, submitted(at(240)), RULES)
    assert INS not in sla.clocks
    react(sla, created(at(180)), RULES)
    assert sla.clocks[INS].stop_reason == "inspection_submitted"
    assert sla.clocks[INS].stopped_at == at(240)
    assert sla.next_due_at(OFFICE, at(240)) is None


def test_a_redelivered_creation_does_not_restart_the_inspection():
    sla = closed_ticket()
    react(sla, created(at(180)), RULES)
    sla.evaluate(OFFICE, at(180) + timedelta(days=2))  # past half of the 23 business hours
    react(sla, created(at(180)), RULES)
    react(sla, created(at(900)), RULES)  # announced again later, under another event id
    clock = sla.clocks[INS]
    assert clock.started_at == at(180)
    assert [w.threshold for w in clock.warnings] == [50]


def test_the_ticket_status_neither_pauses_nor_stops_quality_control():
    facts = TicketFacts(TicketType.COMPLAINT, Severity.NORMAL, Priority.P3)
    sla = TicketSla.register("t-1", "acme", facts, T0, TicketStatus.ASSIGNED)
    sla.apply_policy(POLICY, OFFICE)
    sla.resolve(at(30), OFFICE, autoclose_days=3)
    sla.record_status(TicketStatus.RESOLVED, at(30))
    react(sla, created(at(60)), RULES)  # inspected while still resolved
    sla.record_status(TicketStatus.CLOSED, at(120))  # e.g. auto-closed
    clock = sla.clocks[INS]
    assert clock.running
    assert clock.pauses(OFFICE, sla.status_log, at(180)) == []
    assert clock.elapsed(OFFICE, sla.status_log, at(180)) == timedelta(hours=2)
    assert sla.clocks[SlaMetric.RESOLUTION].stop_reason == "resolved"


def test_a_judgement_opens_the_appeal_window_and_an_appeal_closes_it():
    sla = closed_ticket()
    react(sla, judged("j1", at(180)), RULES)
    clock = sla.clocks[A]
    assert clock.running
    assert clock.started_at == at(180)
    assert clock.target_seconds == 3 * HOUR
    react(sla, appealed("j1", at(240)), RULES)
    assert clock.stop_reason == "appeal_filed"
    assert sla.next_due_at(OFFICE, at(240)) is None


def test_a_newer_judgement_restarts_the_window_from_its_own_time():
    sla = closed_ticket()
    react(sla, judged("j1", at(180)), RULES)
    sla.evaluate(OFFICE, at(180 + 100))
    assert kinds(sla) == [("warning", A, 50)]
    react(sla, judged("j2", at(300)), RULES)  # the appeal reassigned responsibility
    clock = sla.clocks[A]
    assert clock.running
    assert clock.started_at == at(300)
    assert clock.warnings == []
    assert sla.judgement is not None
    assert sla.judgement.judgement_id == "j2"
    react(sla, appealed("j1", at(310)), RULES)  # the old judgement's appeal, redelivered
    assert clock.running
    react(sla, judged("j1", at(180)), RULES)  # the old judgement again: nothing changes
    react(sla, judged("j2", at(300)), RULES)
    assert sla.clocks[A] is clock
    assert clock.started_at == at(300)
    sla.events.clear()
    sla.evaluate(OFFICE, at(300 + 180))
    assert kinds(sla) == [("warning", A, 50), ("breach", A, None)]


def test_judgements_out_of_order_keep_the_newest():
    sla = closed_ticket()
    react(sla, appealed("j2", at(320)), RULES)  # overtook its judgement
    react(sla, judged("j2", at(300)), RULES)
    react(sla, judged("j1", at(180)), RULES)  # older, arrives last
    clock = sla.clocks[A]
    assert clock.started_at == at(300)
    assert clock.stopped_at == at(320)
    assert clock.stop_reason == "appeal_filed"


def test_a_judgement_that_cannot_be_appealed_starts_no_window_and_ends_the_open_one():
    sla = closed_ticket()
    react(sla, judged("j1", at(180), appealable=False), RULES)
    assert A not in sla.clocks
    react(sla, judged("j2", at(200)), RULES)
    react(sla, judged("j3", at(220), appealable=False), RULES)
    clock = sla.clocks[A]
    assert clock.stopped_at == at(220)
    assert clock.stop_reason == "not_appealable"
    assert sla.next_due_at(OFFICE, at(220)) is None


def test_a_policy_without_qc_targets_times_no_qc_and_a_later_one_does():
    sla = closed_ticket()
    handling_only = Policy("h", (Target(SlaMetric.RESOLUTION, HOUR),))
    rules = Rules(OFFICE, (handling_only,), 3)
    react(sla, created(at(180)), rules)
    assert INS not in sla.clocks
    sla.apply_policy(POLICY, OFFICE)  # the tenant's policies changed: recomputed
    assert sla.clocks[INS].started_at == at(180)


def test_a_rule_change_after_closure_retargets_qc_but_not_the_closed_handling():
    sla = closed_ticket()
    react(sla, created(at(180)), RULES)
    resolution = sla.clocks[SlaMetric.RESOLUTION]
    strict = Policy("strict", (Target(SlaMetric.RESOLUTION, 60), Target(INS, 2 * HOUR)))
    sla.apply_policy(strict, OFFICE)
    assert resolution.target_seconds == 4 * HOUR  # a closed ticket does not become overdue
    assert sla.clocks[INS].target_seconds == 2 * HOUR
    sla.evaluate(OFFICE, at(180 + 121))
    assert kinds(sla) == [("warning", INS, 50), ("warning", INS, 75), ("warning", INS, 90),
                          ("breach", INS, None)]  # fmt: skip
    sla.apply_policy(Policy("none", (Target(SlaMetric.RESOLUTION, HOUR),)), OFFICE)
    assert sla.clocks[INS].stop_reason == "policy_changed"
    assert resolution.target_seconds == 4 * HOUR


def test_the_default_policies_time_inspection_and_appeal_in_working_days():
    facts = TicketFacts(TicketType.INCIDENT, Severity.NORMAL, Priority.P3)
    sla = TicketSla.register("t-1", "acme", facts, T0, TicketStatus.ASSIGNED)
    sla.apply_policy(default_policies()[6], OFFICE)
    assert set(sla.clocks) == {SlaMetric.TRANSFER, SlaMetric.RESOLUTION}  # not started yet
    rules = Rules(OFFICE, default_policies(), 3)
    friday = datetime(2026, 3, 6, 10, tzinfo=SH)
    react(sla, created(friday), rules)
    react(sla, judged("j1", friday), rules)
    log = sla.status_log
    assert sla.clocks[INS].due_at(OFFICE, log, friday) == datetime(2026, 3, 10, 18, tzinfo=SH)
    assert sla.clocks[A].due_at(OFFICE, log, friday) == datetime(2026, 3, 11, 18, tzinfo=SH)


def test_qc_facts_survive_the_document_round_trip():
    sla = closed_ticket()
    react(sla, created(at(180)), RULES)
    react(sla, judged("j2", at(300)), RULES)
    react(sla, appealed("j1", at(310)), RULES)
    sla.evaluate(OFFICE, at(1000))
    sla.events.clear()
    assert ticket_from(ticket_document(sla)) == sla
    old = ticket_document(sla)
    del old["judgement"], old["appeals"]  # stored before qc had clocks
    assert ticket_from(old).judgement is None


# The use cases, on in-memory ports: qc events are idempotent and parked like dispatch's.


@pytest.fixture
def world():
    clock = FakeClock(datetime(2026, 3, 2, 8, tzinfo=UTC))
    uow = FakeUnitOfWork(clock)
    uow.calendars.items["acme"] = always_open()
    uow.policies.items["acme"] = (
        Policy("p", (Target(SlaMetric.RESPONSE, 600), Target(INS, 600)), thresholds=(50,)),
    )
    return uow, clock


async def test_a_qc_event_before_the_registration_is_parked_then_applied(world):
    uow, clock = world
    t0 = clock.now()
    await handlers.on_qc_event(created(t0, "t-9"), uow, 3)
    assert uow.tickets.items == {}
    assert len(uow.pending.items) == 1
    await handlers.on_ticket_registered(ticket_registered("t-9", at=t0), uow, 3)
    timeline = await handlers.get_timeline("t-9", uow)
    assert {c.metric for c in timeline.clocks} == {SlaMetric.RESPONSE, INS}
    assert uow.pending.items == []


async def test_a_redelivered_qc_event_fires_its_breach_once(world):
    uow, clock = world
    t0 = clock.now()
    await handlers.on_ticket_registered(ticket_registered("t-1", at=t0), uow, 3)
    event = created(t0 + timedelta(minutes=1))
    await handlers.on_qc_event(event, uow, 3)
    await handlers.on_qc_event(event, uow, 3)
    clock.advance(timedelta(minutes=12))
    assert due_ids(uow, clock.now()) == ["t-1"]
    await handlers.fire_due("t-1", uow)
    await handlers.fire_due("t-1", uow)
    inspection = [e for e in uow.published if isinstance(e, SlaBreached)
                  and e.payload.metric is INS]  # fmt: skip
    assert len(inspection) == 1
    assert inspection[0].payload.due_at == t0 + timedelta(minutes=11)
    timeline = await handlers.get_timeline("t-1", uow)
    [qc_clock] = [c for c in timeline.clocks if c.metric is INS]
    assert qc_clock.state == "running"
    assert qc_clock.breach is not None
