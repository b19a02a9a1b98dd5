"""SLA clocks: pauses, recomputes, thresholds, breach and auto-close, to the second."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from services.sla.domain.calendar import Calendar, always_open, weekly_hours
from services.sla.domain.policy import (
    Policy,
    Target,
    TargetUnit,
    TicketFacts,
    default_policies,
    select_policy,
)
from services.sla.domain.ticket_sla import AutoClose, AutoCloseState, TicketSla
from shared.events.sla import AutoCloseBecameDue, SlaBreached, SlaMetric, SlaWarningIssued
from shared.events.vocabulary import Priority, Severity, TicketStatus, TicketType

SH = ZoneInfo("Asia/Shanghai")
HOUR = 3600
S = TicketStatus
R = SlaMetric.RESOLUTION


def at(day: str, clock: str) -> datetime:
    return datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=SH)


def office(**kwargs) -> Calendar:
    return Calendar(weekly=weekly_hours(range(5), "09:00-12:00", "13:00-18:00"), **kwargs)


def facts(priority=Priority.P3, severity=Severity.NORMAL, type_=TicketType.INCIDENT):
    return TicketFacts(type=type_, severity=severity, priority=priority)


def policy_hours(policy_id: str, hours: float, *, priorities=(), thresholds=(50, 75, 90)):
    return Policy(
        policy_id,
        (Target(R, int(hours * HOUR)),),
        priorities=frozenset(priorities),
        thresholds=thresholds,
    )


def ticket(calendar, policy, registered, status=S.ASSIGNED, f=None) -> TicketSla:
    sla = TicketSla.register("t-1", "acme", f or facts(), registered, status)
    sla.apply_policy(policy, calendar)
    return sla


def clock(sla):
    return sla.clocks[R]


def auto(sla: TicketSla) -> AutoClose:
    assert sla.autoclose is not None
    return sla.autoclose


def chosen(policies, f) -> Policy:
    policy = select_policy(policies, f)
    assert policy is not None
    return policy


# 2026-11-23 is a Monday.


def test_a_running_clock_is_due_after_its_target_in_business_time():
    cal = office()
    sla = ticket(cal, policy_hours("p", 4), at("2026-11-23", "16:00"))
    now = at("2026-11-23", "17:00")
    assert clock(sla).due_at(cal, sla.status_log, now) == at("2026-11-24", "11:00")
    assert clock(sla).elapsed(cal, sla.status_log, now) == timedelta(hours=1)


def test_a_pause_spanning_a_holiday_adds_only_its_business_time():
    cal = office(holidays=frozenset({date(2026, 11, 24)}))
    sla = ticket(cal, policy_hours("p", 4), at("2026-11-23", "09:00"))
    sla.record_status(S.WAITING_CUSTOMER, at("2026-11-23", "11:00"))
    sla.record_status(S.IN_PROGRESS, at("2026-11-25", "10:00"))
    now = at("2026-11-25", "10:00")
    pauses = clock(sla).pauses(cal, sla.status_log, now)
    assert [p.business_seconds for p in pauses] == [(1 + 5 + 1) * HOUR]  # Mon 11–18, Wed 9–10
    assert clock(sla).elapsed(cal, sla.status_log, now) == timedelta(hours=2)
    assert clock(sla).due_at(cal, sla.status_log, now) == at("2026-11-25", "12:00")


def test_a_pause_straddling_a_weekend_on_a_working_day_target():
    cal = office()
    policy = Policy("consult", (Target(R, 3, TargetUnit.WORKING_DAYS),))
    sla = ticket(cal, policy, at("2026-11-25", "10:00"))  # Wednesday
    # the rest of Wednesday (7 h) and Thu, Fri, Mon (8 h each): to Monday 18:00
    assert clock(sla).target_seconds == (7 + 3 * 8) * HOUR
    assert clock(sla).due_at(cal, sla.status_log, at("2026-11-25", "10:00")) == at(
        "2026-11-30", "18:00"
    )
    sla.record_status(S.ON_HOLD, at("2026-11-27", "17:00"))  # Friday
    sla.record_status(S.IN_PROGRESS, at("2026-11-30", "10:00"))  # Monday
    # the weekend is not business time: only Fri 17–18 and Mon 9–10 are added
    assert clock(sla).due_at(cal, sla.status_log, at("2026-11-30", "10:00")) == at(
        "2026-12-01", "11:00"
    )


def test_a_make_up_working_day_counts_toward_the_clock():
    saturday = date(2026, 11, 28)
    cal = office(extra_working_days={saturday: weekly_hours([0], "09:00-18:00")[0]})
    sla = ticket(cal, policy_hours("p", 4), at("2026-11-27", "16:00"))  # Friday
    assert clock(sla).due_at(cal, sla.status_log, at("2026-11-27", "16:00")) == at(
        "2026-11-28", "11:00"
    )


def test_while_paused_there_is_no_due_instant_and_no_timer():
    cal = always_open()
    start = datetime(2026, 1, 1, tzinfo=SH)
    sla = ticket(cal, policy_hours("p", 1), start)
    sla.record_status(S.WAITING_CUSTOMER, start + timedelta(minutes=10))
    later = start + timedelta(hours=5)
    assert clock(sla).due_at(cal, sla.status_log, later) is None
    assert sla.next_due_at(cal, later) is None
    sla.evaluate(cal, later)
    assert sla.events == []


def test_priority_change_while_paused_keeps_the_paused_time():
    cal = always_open()
    start = datetime(2026, 1, 1, tzinfo=SH)
    policies = [policy_hours("p2", 2, priorities=[Priority.P2]), policy_hours("p3", 8)]
    sla = ticket(cal, select_policy(policies, facts()), start)
    sla.record_status(S.WAITING_CUSTOMER, start + timedelta(minutes=30))
    sla.change_facts(policies, cal, priority=Priority.P2)  # while paused, at +3 h
    sla.record_status(S.IN_PROGRESS, start + timedelta(hours=3))
    now = start + timedelta(hours=3)
    assert clock(sla).policy_id == "p2"
    assert clock(sla).elapsed(cal, sla.status_log, now) == timedelta(minutes=30)
    # 2 h target, 2.5 h paused: due 4.5 h after registration
    assert clock(sla).due_at(cal, sla.status_log, now) == start + timedelta(hours=4, minutes=30)
    sla.evaluate(cal, now)
    assert sla.events == []


def test_a_priority_raise_past_the_new_target_breaches_at_once_retroactively():
    cal = always_open()
    start = datetime(2026, 1, 1, tzinfo=SH)
    policies = [policy_hours("p1", 1, priorities=[Priority.P1]), policy_hours("p3", 8)]
    sla = ticket(cal, select_policy(policies, facts()), start)
    now = start + timedelta(hours=5)
    sla.evaluate(cal, now)
    assert [type(e) for e in sla.events] == [SlaWarningIssued]  # 5 of 8 h: 50 %
    sla.events.clear()
    sla.change_facts(policies, cal, priority=Priority.P1)
    sla.evaluate(cal, now)
    breaches = [e for e in sla.events if isinstance(e, SlaBreached)]
    assert len(breaches) == 1
    assert breaches[0].payload.due_at == start + timedelta(hours=1)
    assert breaches[0].payload.policy_id == "p1"
    assert breaches[0].occurred_at == now


def test_thresholds_fire_once_each_across_recomputes():
    cal = always_open()
    start = datetime(2026, 1, 1, tzinfo=SH)
    policies = [policy_hours("short", 4, priorities=[Priority.P2]), policy_hours("long", 10)]
    sla = ticket(cal, select_policy(policies, facts()), start)
    for hours in (5, 6):  # 50 % of 10 h
        sla.evaluate(cal, start + timedelta(hours=hours))
    sla.change_facts(policies, cal, priority=Priority.P2)  # 6 h of 4 h: 75 %, 90 %, breach
    sla.evaluate(cal, start + timedelta(hours=6))
    sla.change_facts(policies, cal, priority=Priority.P3)  # back to 10 h: nothing new
    sla.change_facts(policies, cal, priority=Priority.P2)
    sla.evaluate(cal, start + timedelta(hours=7))
    warnings = [e.payload.threshold_percent for e in sla.events if isinstance(e, SlaWarningIssued)]
    assert warnings == [50, 75, 90]
    assert sum(isinstance(e, SlaBreached) for e in sla.events) == 1


def test_each_threshold_fires_exactly_at_its_instant():
    cal = always_open()
    start = datetime(2026, 1, 1, tzinfo=SH)
    sla = ticket(cal, policy_hours("p", 1), start)
    assert sla.next_due_at(cal, start) == start + timedelta(minutes=30)
    sla.evaluate(cal, start + timedelta(minutes=30) - timedelta(microseconds=1))
    assert sla.events == []
    sla.evaluate(cal, start + timedelta(minutes=30))
    assert [e.payload.threshold_percent for e in sla.events] == [50]
    assert sla.next_due_at(cal, start + timedelta(minutes=30)) == start + timedelta(minutes=45)
    sla.evaluate(cal, start + timedelta(hours=2))
    assert [type(e).__name__ for e in sla.events] == [
        "SlaWarningIssued", "SlaWarningIssued", "SlaWarningIssued", "SlaBreached",
    ]  # fmt: skip
    assert sla.next_due_at(cal, start + timedelta(hours=2)) is None


def test_a_clock_stopped_in_time_never_breaches():
    cal = always_open()
    start = datetime(2026, 1, 1, tzinfo=SH)
    sla = ticket(cal, policy_hours("p", 1), start)
    sla.resolve(start + timedelta(minutes=59), cal, autoclose_days=0)
    sla.evaluate(cal, start + timedelta(days=2))
    assert not any(isinstance(e, SlaBreached) for e in sla.events)


def test_a_clock_stopped_after_its_due_instant_still_owes_its_breach():
    cal = always_open()
    start = datetime(2026, 1, 1, tzinfo=SH)
    sla = ticket(cal, policy_hours("p", 1), start)
    sla.resolve(start + timedelta(hours=2), cal, autoclose_days=0)
    sla.evaluate(cal, start + timedelta(hours=3))
    assert [type(e) for e in sla.events] == [SlaBreached]
    assert sla.events[0].payload.due_at == start + timedelta(hours=1)


def test_response_and_transfer_stop_on_accept():
    cal = always_open()
    start = datetime(2026, 1, 1, tzinfo=SH)
    targets = tuple(Target(m, HOUR) for m in SlaMetric)
    sla = ticket(cal, Policy("all", targets), start)
    sla.reach("accepted", start + timedelta(minutes=5))
    assert not sla.clocks[SlaMetric.RESPONSE].running
    assert not sla.clocks[SlaMetric.TRANSFER].running
    assert sla.clocks[R].running


def test_auto_close_fires_after_three_business_days():
    cal = office()
    sla = ticket(cal, policy_hours("p", 100), at("2026-11-23", "09:00"))
    sla.record_status(S.RESOLVED, at("2026-11-27", "15:00"))
    sla.resolve(at("2026-11-27", "15:00"), cal, autoclose_days=3)
    assert auto(sla).due_at == at("2026-12-02", "18:00")
    sla.evaluate(cal, at("2026-12-02", "17:59"))
    assert sla.events == []
    sla.evaluate(cal, at("2026-12-02", "18:00"))
    sla.evaluate(cal, at("2026-12-03", "18:00"))
    assert [type(e) for e in sla.events] == [AutoCloseBecameDue]
    assert auto(sla).state is AutoCloseState.FIRED


def test_a_customer_reply_cancels_auto_close_and_resumes_resolution():
    cal = always_open()
    start = datetime(2026, 1, 1, tzinfo=SH)
    sla = ticket(cal, policy_hours("p", 10), start)
    sla.record_status(S.RESOLVED, start + timedelta(hours=2))
    sla.resolve(start + timedelta(hours=2), cal, autoclose_days=3)
    sla.cancel_autoclose(start + timedelta(hours=5), "customer_replied")
    sla.record_status(S.IN_PROGRESS, start + timedelta(hours=5))
    now = start + timedelta(hours=6)
    assert auto(sla).state is AutoCloseState.CANCELED
    assert clock(sla).running
    assert clock(sla).elapsed(cal, sla.status_log, now) == timedelta(hours=3)
    sla.evaluate(cal, start + timedelta(days=10))
    assert not any(isinstance(e, AutoCloseBecameDue) for e in sla.events)


def test_closing_stops_every_clock_and_auto_close():
    cal = always_open()
    start = datetime(2026, 1, 1, tzinfo=SH)
    sla = ticket(cal, policy_hours("p", 1), start)
    sla.record_status(S.CLOSED, start + timedelta(minutes=10))
    sla.evaluate(cal, start + timedelta(days=1))
    assert sla.events == []
    assert sla.next_due_at(cal, start + timedelta(days=1)) is None


def test_default_policies_follow_the_seeds():
    policies = default_policies()
    picked = {
        "P1": chosen(policies, facts(Priority.P1)),
        "major": chosen(policies, facts(Priority.P4, Severity.MAJOR)),
        "P2": chosen(policies, facts(Priority.P2)),
        "P3": chosen(policies, facts(Priority.P3)),
        "P5": chosen(policies, facts(Priority.P5)),
        "consult": chosen(policies, facts(type_=TicketType.CONSULTATION)),
        "complaint": chosen(policies, facts(Priority.P1, type_=TicketType.COMPLAINT)),
    }
    hours = {
        k: [t.amount / HOUR for t in p.targets if t.metric.handles_the_ticket]
        for k, p in picked.items()
        if p.targets[0].unit == "business_seconds"
    }
    assert hours == {"P1": [1, 4], "major": [1, 4], "P2": [2, 14], "P3": [3, 30], "P5": [60, 144]}
    qc = (
        Target(SlaMetric.INSPECTION, 2, TargetUnit.WORKING_DAYS),
        Target(SlaMetric.APPEAL, 3, TargetUnit.WORKING_DAYS),
    )
    assert picked["consult"].targets == (Target(R, 3, TargetUnit.WORKING_DAYS), *qc)
    assert picked["complaint"].targets == (Target(R, 7, TargetUnit.WORKING_DAYS), *qc)
    assert all(p.targets[-2:] == qc for p in policies)  # every ticket's QC is timed


def test_first_matching_policy_wins_and_service_narrows():
    narrow = Policy("vip", (Target(R, HOUR),), services=frozenset({"vip-line"}))
    broad = Policy("any", (Target(R, 2 * HOUR),))
    assert chosen([narrow, broad], facts()).policy_id == "any"
    vip = TicketFacts(TicketType.INCIDENT, Severity.NORMAL, Priority.P3, "vip-line")
    assert chosen([narrow, broad], vip).policy_id == "vip"
    assert select_policy([narrow], facts()) is None


pause_plans = st.lists(st.tuples(st.integers(0, 200 * HOUR), st.integers(1, 50 * HOUR)), max_size=4)


@settings(max_examples=150, deadline=None)
@given(pause_plans, st.integers(1, 100 * HOUR))
def test_pauses_never_shorten_the_due_instant(plan, target):
    cal = office()
    start = at("2026-11-23", "10:00")
    policy = Policy("p", (Target(R, target),))
    plain, paused = ticket(cal, policy, start), ticket(cal, policy, start)
    moment = start
    for offset, length in sorted(plan):
        moment = max(moment, start + timedelta(seconds=offset))
        paused.record_status(S.ON_HOLD, moment)
        moment += timedelta(seconds=length)
        paused.record_status(S.IN_PROGRESS, moment)
    due_plain = clock(plain).due_at(cal, plain.status_log, moment)
    due_paused = clock(paused).due_at(cal, paused.status_log, moment)
    assert due_paused >= due_plain
    assert clock(paused).elapsed(cal, paused.status_log, due_paused) == timedelta(seconds=target)


class CountingCalendar:
    """Counts the calendar computations a clock makes (the due-time search's steps)."""

    def __init__(self, monkeypatch):
        import services.sla.domain.clock as module

        self.calls = 0
        for name in ("add_business_time", "business_time_between"):
            original = getattr(module, name)

            def counted(*args, _original=original):
                self.calls += 1
                return _original(*args)

            monkeypatch.setattr(module, name, counted)


def test_a_long_pause_with_a_minute_left_is_one_step_per_pause(monkeypatch):
    cal = always_open()
    start = datetime(2026, 1, 5, 9, tzinfo=SH)
    sla = ticket(cal, Policy("p", (Target(R, HOUR),)), start)
    sla.record_status(S.ON_HOLD, start + timedelta(minutes=59))
    resumed = start + timedelta(minutes=59, weeks=4)
    sla.record_status(S.IN_PROGRESS, resumed)
    steps = CountingCalendar(monkeypatch)
    due = clock(sla).due_at(cal, sla.status_log, resumed)
    assert due == resumed + timedelta(minutes=1)
    # elapsed (2 calls: total and the pause), then one running stretch and the remainder
    assert steps.calls <= 5


def test_many_short_pauses_cost_steps_in_proportion_to_their_number(monkeypatch):
    cal = always_open()
    start = datetime(2026, 1, 5, 9, tzinfo=SH)
    sla = ticket(cal, Policy("p", (Target(R, 10 * HOUR),)), start)
    moment = start
    for _ in range(20):
        moment += timedelta(minutes=10)
        sla.record_status(S.WAITING_CUSTOMER, moment)
        moment += timedelta(days=1)
        sla.record_status(S.IN_PROGRESS, moment)
    steps = CountingCalendar(monkeypatch)
    due = clock(sla).due_at(cal, sla.status_log, moment)
    assert due == start + timedelta(days=20, hours=10)
    assert steps.calls <= 2 * (20 + 1) + 2


def test_a_business_interval_starting_in_the_spring_forward_gap_counts_its_existing_part():
    berlin = Calendar(zone="Europe/Berlin", weekly=weekly_hours([6], "02:30-03:30"))
    night = datetime(2026, 3, 29, tzinfo=ZoneInfo("Europe/Berlin"))  # Sunday, 02:00 → 03:00
    [(start, end)] = berlin.intervals_on(night.date())
    assert (end - start) == timedelta(minutes=30)
    assert start.astimezone(ZoneInfo("Europe/Berlin")).strftime("%H:%M") == "03:00"


def test_an_interval_wholly_inside_the_gap_is_no_working_time():
    berlin = Calendar(zone="Europe/Berlin", weekly=weekly_hours([6], "02:15-02:45", "09:00-10:00"))
    assert len(berlin.intervals_on(date(2026, 3, 29))) == 1


def test_the_repeated_fall_back_hour_counts_from_its_first_occurrence():
    berlin = Calendar(zone="Europe/Berlin", weekly=weekly_hours([6], "02:30-05:00"))
    [(start, end)] = berlin.intervals_on(date(2026, 10, 25))  # 03:00 → 02:00
    assert end - start == timedelta(hours=3, minutes=30)  # 02:30 CEST … 05:00 CET
