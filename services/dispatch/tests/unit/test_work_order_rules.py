"""The rules inside the commands: required fields, who may act, what each change carries."""

from datetime import UTC, datetime, timedelta

import pytest

from services.dispatch.domain.command_names import Command
from services.dispatch.domain.errors import Forbidden, IllegalTransition, InvalidField
from services.dispatch.domain.escalation import escalation_reason
from services.dispatch.domain.values import FollowUp, Resolution
from services.dispatch.domain.work_order import WorkOrder
from services.dispatch.tests.unit.builders import ASSIGNEE, NOW, actor, order
from shared.errors import Conflict
from shared.events.dispatch import (
    Appointment,
    EscalationReason,
    MajorAlertCleared,
    MajorAlertRaised,
    SupportLine,
    TicketAccepted,
    TicketEscalated,
    TicketPriorityChanged,
    TicketTagged,
    TicketTransferred,
    TicketUntagged,
)
from shared.events.vocabulary import Priority, Severity, TicketStatus
from shared.testing.builders import ticket_registered

S = TicketStatus
WINDOW = Appointment(starts_at=NOW + timedelta(hours=1), ends_at=NOW + timedelta(hours=3))
FIXED = Resolution("fibre cut", "spliced", "fixed")


def test_onsite_work_cannot_be_accepted_without_an_appointment_window():
    wo = order(S.ASSIGNED, needs_onsite=True)
    with pytest.raises(InvalidField) as refused:
        wo.accept(None, actor("field_engineer"), NOW)
    assert refused.value.field == "appointment"
    assert (wo.status, wo.events) == (S.ASSIGNED, [])


def test_onsite_acceptance_keeps_the_window_and_a_sign_off_needs_none():
    onsite, desk = order(S.ASSIGNED, needs_onsite=True), order(S.ASSIGNED)
    onsite.accept(WINDOW, actor("field_engineer"), NOW)
    desk.accept(None, actor("agent"), NOW)
    [accepted] = [e for e in onsite.events if isinstance(e, TicketAccepted)]
    assert accepted.payload.appointment == WINDOW
    assert onsite.appointment == WINDOW
    assert (desk.status, desk.appointment) == (S.ACCEPTED, None)


def window(starts_in: timedelta, lasts: timedelta = timedelta(hours=2)) -> Appointment:
    return Appointment(starts_at=NOW + starts_in, ends_at=NOW + starts_in + lasts)


@pytest.mark.parametrize(
    ("appointment", "field"),
    [
        (Appointment(starts_at=datetime(1999, 1, 1, 9, tzinfo=UTC),
                     ends_at=datetime(1999, 1, 1, 11, tzinfo=UTC)), "appointment.starts_at"),
        (window(-timedelta(hours=1, minutes=1)), "appointment.starts_at"),
        (window(timedelta(days=91)), "appointment.starts_at"),
        (window(timedelta(hours=1), lasts=timedelta(days=8)), "appointment.ends_at"),
    ],
    ids=["1999", "over an hour ago", "beyond 90 days", "eight days long"],
)  # fmt: skip
def test_an_appointment_must_lie_ahead_within_the_horizon(appointment, field):
    wo = order(S.ASSIGNED, needs_onsite=True)
    with pytest.raises(InvalidField) as refused:
        wo.accept(appointment, actor("field_engineer"), NOW)
    assert refused.value.field == field
    assert (wo.status, wo.events, wo.appointment) == (S.ASSIGNED, [], None)


@pytest.mark.parametrize(
    "starts_in", [-timedelta(minutes=59), timedelta(0), timedelta(days=89)], ids=repr
)
def test_an_appointment_just_begun_or_weeks_ahead_is_accepted(starts_in):
    wo = order(S.ASSIGNED, needs_onsite=True)
    wo.accept(window(starts_in), actor("field_engineer"), NOW)
    assert wo.appointment == window(starts_in)


def test_only_the_assignee_or_a_supervisor_accepts():
    wo = order(S.ASSIGNED)
    with pytest.raises(Forbidden):
        wo.accept(None, actor("agent", "someone.else"), NOW)
    wo.accept(None, actor("supervisor", "boss"), NOW)
    assert wo.status is S.ACCEPTED


def test_a_transfer_hands_the_ticket_to_exactly_one_new_assignee():
    wo = order(S.IN_PROGRESS, appointment=WINDOW)
    wo.transfer("wang.fang", "field-east", "wrong district", actor("agent"), NOW)
    [moved] = [e for e in wo.events if isinstance(e, TicketTransferred)]
    assert (moved.payload.from_assignee, moved.payload.to_assignee) == (ASSIGNEE, "wang.fang")
    assert (wo.status, wo.assignee, wo.group, wo.appointment) == (
        S.ASSIGNED, "wang.fang", "field-east", None,
    )  # fmt: skip


def test_transferring_to_the_current_assignee_is_refused():
    with pytest.raises(InvalidField) as refused:
        order(S.ACCEPTED).transfer(ASSIGNEE, None, "again", actor("agent"), NOW)
    assert refused.value.field == "to_assignee"


def test_back_to_the_centre_nobody_holds_the_ticket():
    wo = order(S.ACCEPTED)
    wo.return_to_centre("centre", "not our area", actor("agent"), NOW)
    [moved] = [e for e in wo.events if isinstance(e, TicketTransferred)]
    assert (moved.payload.to_assignee, moved.payload.to_group) == (None, None)
    assert (wo.status, wo.assignee, wo.group) == (S.NEW, None, "centre")


def test_urges_are_counted_and_every_nth_escalates_once():
    wo = order(S.IN_PROGRESS)
    for _ in range(2):
        wo.urge(None, 3, actor("agent", "desk"), NOW)
    assert (wo.urge_count, wo.status, wo.last_urged_at) == (2, S.IN_PROGRESS, NOW)
    wo.urge("third call", 3, actor("agent", "desk"), NOW)
    [escalated] = [e for e in wo.events if isinstance(e, TicketEscalated)]
    assert escalated.actor.role == "system"
    assert (wo.status, wo.support_line, wo.urge_count) == (S.ESCALATED, SupportLine.L2, 3)


def test_without_a_threshold_urges_never_escalate():
    wo = order(S.IN_PROGRESS)
    for _ in range(5):
        wo.urge(None, 0, actor("agent"), NOW)
    assert (wo.status, wo.support_line) == (S.IN_PROGRESS, SupportLine.L1)


@pytest.mark.parametrize("reason", ["raise_priority", "raise the priority", "", "urgent"])
def test_raising_the_priority_or_no_reason_is_not_an_escalation_reason(reason):
    with pytest.raises(InvalidField) as refused:
        escalation_reason(reason)
    assert refused.value.field == "reason"
    assert "needs_expertise" in refused.value.reason


@pytest.mark.parametrize("reason", list(EscalationReason))
def test_every_listed_reason_is_accepted(reason):
    assert escalation_reason(reason.value) is reason


def test_escalation_climbs_one_support_line_at_a_time_and_stops_at_l3():
    wo = order(S.IN_PROGRESS)
    wo.escalate(EscalationReason.NEEDS_EXPERTISE, "l2.expert", None, None, actor("agent"), NOW)
    wo.escalate(EscalationReason.VENDOR_REQUIRED, None, "l3-vendor", None, actor("agent"), NOW)
    assert (wo.support_line, wo.assignee, wo.group) == (SupportLine.L3, "l2.expert", "l3-vendor")
    with pytest.raises(IllegalTransition) as refused:
        wo.escalate(EscalationReason.MAJOR_IMPACT, "x", None, None, actor("agent"), NOW)
    assert "escalate" not in refused.value.allowed
    assert "resume" in refused.value.allowed


def test_staff_must_name_who_takes_over_but_the_customer_need_not():
    with pytest.raises(InvalidField):
        order(S.IN_PROGRESS).escalate(
            EscalationReason.NEEDS_EXPERTISE, None, None, None, actor("agent"), NOW
        )
    wo = order(S.IN_PROGRESS)
    wo.escalate(EscalationReason.CUSTOMER_REQUEST, None, None, "slow", actor("requester"), NOW)
    assert wo.status is S.ESCALATED


@pytest.mark.parametrize(
    ("current", "to"),
    [
        (Severity.URGENT, Severity.NORMAL),
        (Severity.MAJOR, Severity.URGENT),
        (Severity.URGENT, Severity.URGENT),
    ],
)
def test_severity_never_goes_down_or_sideways(current, to):
    wo = order(S.IN_PROGRESS, severity=current)
    with pytest.raises(Conflict):
        wo.upgrade_severity(to, None, actor("agent"), NOW)
    assert (wo.severity, wo.events) == (current, [])


def test_upgrading_to_urgent_raises_the_priority_to_at_least_p2():
    wo = order(S.IN_PROGRESS, priority=Priority.P4)
    wo.upgrade_severity(Severity.URGENT, "whole building", actor("agent"), NOW)
    [changed] = [e for e in wo.events if isinstance(e, TicketPriorityChanged)]
    assert (changed.payload.from_priority, changed.payload.to_priority) == (
        Priority.P4,
        Priority.P2,
    )
    assert not wo.major_alert


def test_major_raises_the_alert_until_someone_accepts():
    wo = order(S.ASSIGNED)
    wo.upgrade_severity(Severity.MAJOR, "all numbers down", actor("dispatcher"), NOW)
    assert wo.major_alert
    assert wo.priority is Priority.P1
    assert any(isinstance(e, MajorAlertRaised) for e in wo.events)
    wo.events.clear()
    wo.accept(None, actor("agent"), NOW)
    [cleared] = [e for e in wo.events if isinstance(e, MajorAlertCleared)]
    assert cleared.payload.cleared_by == ASSIGNEE
    assert not wo.major_alert


def test_a_major_ticket_raises_the_alert_when_registered_but_not_while_quarantined():
    major = ticket_registered("t-9")
    major = major.model_copy(
        update={"payload": major.payload.model_copy(update={"severity": Severity.MAJOR})}
    )
    held = major.model_copy(
        update={"payload": major.payload.model_copy(update={"status": S.QUARANTINED})}
    )
    assert WorkOrder.open(major, NOW).major_alert
    quarantined = WorkOrder.open(held, NOW)
    assert not quarantined.major_alert
    quarantined.release(actor("system", "system"), NOW)
    assert quarantined.major_alert
    assert quarantined.status is S.NEW


def test_an_overdue_reason_is_required_only_when_an_sla_was_breached():
    on_time, late = order(S.IN_PROGRESS), order(S.IN_PROGRESS)
    on_time.resolve(FIXED, actor("agent"), NOW)
    assert late.mark_overdue()
    assert not late.mark_overdue()
    with pytest.raises(InvalidField) as refused:
        late.resolve(FIXED, actor("agent"), NOW)
    assert refused.value.field == "overdue_reason"
    with pytest.raises(InvalidField):
        late.resolve(Resolution("a", "b", "c", "   "), actor("agent"), NOW)
    late.resolve(Resolution("a", "b", "c", "fibre crew stuck in snow"), actor("agent"), NOW)
    assert (on_time.status, late.status) == (S.RESOLVED, S.RESOLVED)
    assert late.resolution is not None
    assert late.resolution.overdue_reason


def test_a_reply_to_a_closed_ticket_is_a_follow_up_and_never_reopens_it():
    wo = order(S.CLOSED)
    follow_up = wo.customer_reply("it broke again", actor("requester", "c-1"), NOW)
    assert follow_up == FollowUp("t-1", "it broke again", "c-1")
    assert wo.status is S.CLOSED
    assert wo.events == []


def test_cancel_goes_straight_to_closed_with_reason_canceled():
    wo = order(S.IN_PROGRESS)
    wo.cancel("opened by mistake", actor("requester", "c-1"), NOW)
    types = [e.event_type for e in wo.events]
    assert types == ["ticket.canceled", "ticket.closed", "ticket.status_changed"]
    assert wo.events[1].payload.reason == "canceled"
    assert wo.status is S.CLOSED


def test_watching_twice_changes_nothing_and_the_history_records_each_step():
    wo = order(S.IN_PROGRESS)
    wo.watch(True, actor("agent", "zhao"), NOW)
    wo.watch(True, actor("agent", "zhao"), NOW)
    assert wo.watchers == ["zhao"]
    assert len(wo.events) == 1
    assert [h.command for h in wo.history] == ["watch"]


def test_a_change_must_end_after_it_starts():
    from services.dispatch.tests.unit.test_state_machine import CHANGE

    wrong = CHANGE.__class__(**{**CHANGE.__dict__, "planned_end": CHANGE.planned_start})
    with pytest.raises(InvalidField) as refused:
        order(S.IN_PROGRESS).submit_change(wrong, actor("agent"), NOW)
    assert refused.value.field == "planned_end"


def test_pause_refuses_a_command_that_is_not_a_pause():
    with pytest.raises(ValueError, match="not a pause"):
        order(S.IN_PROGRESS).pause(Command.RESOLVE, None, actor("agent"), NOW)


def test_a_status_change_carries_who_holds_the_ticket_and_how_urgent_it_is():
    wo = order(S.ASSIGNED, watchers=["zhao"], priority=Priority.P2, severity=Severity.URGENT)
    wo.accept(None, actor("agent"), NOW)
    [changed] = [e.payload for e in wo.events if e.event_type == "ticket.status_changed"]
    assert (changed.assignee, changed.group, changed.priority, changed.severity) == (
        ASSIGNEE, "noc", Priority.P2, Severity.URGENT,
    )  # fmt: skip
    assert changed.watchers == ["zhao"]


def test_a_tag_added_or_removed_is_an_event_with_the_tags_after_it_and_a_repeat_is_none():
    wo = order(S.ACCEPTED, tags=["fibre"])
    wo.tag("vip", actor("agent"), NOW)
    wo.tag("vip", actor("agent"), NOW)
    wo.untag("fibre", actor("agent"), NOW)
    wo.untag("fibre", actor("agent"), NOW)

    assert [(type(e), e.payload.tag, e.payload.tags) for e in wo.events] == [
        (TicketTagged, "vip", ["fibre", "vip"]), (TicketUntagged, "fibre", ["vip"]),
    ]  # fmt: skip
