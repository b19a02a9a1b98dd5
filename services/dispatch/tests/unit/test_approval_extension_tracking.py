"""Approval before the reply (审核/审批), deadline extensions (延期申请) and follow-up
tracking (跟踪工单): the domain rules, then the use cases over fakes."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from pydantic import ValidationError

from services.dispatch.app import commands, queries
from services.dispatch.domain.approval import ApprovalRule, matching_rule
from services.dispatch.domain.command_names import Command
from services.dispatch.domain.errors import Forbidden, IllegalTransition, InvalidField
from services.dispatch.domain.values import (
    ExtensionState,
    FollowUp,
    FollowUpPlan,
    Resolution,
    TrackingState,
)
from services.dispatch.domain.work_order import WorkOrder
from services.dispatch.tests.unit.builders import ASSIGNEE, NOW, actor, order
from services.dispatch.tests.unit.fakes import FakeDirectory, FakeUnitOfWork, FakeWorkOrders
from shared.events.dispatch import ApproverStep
from shared.events.submissions import Submission
from shared.events.vocabulary import Severity, TicketStatus, TicketType

S = TicketStatus
FIX = Resolution("fibre cut", "spliced", "fixed")
HANDLER = actor("field_engineer")
LEAD = actor("group_lead", "zhou.lead")
CHIEF = actor("supervisor", "chen.chief")
TWO_STEPS = ApprovalRule(
    rule_id="sensitive",
    tags=("sensitive",),
    chain=(ApproverStep(role="group_lead"), ApproverStep(role="supervisor", user="chen.chief")),
)
ONE_STEP = ApprovalRule(rule_id="complaints", chain=(ApproverStep(role="group_lead"),))


def events(wo: WorkOrder) -> list[str]:
    return [e.event_type for e in wo.events]


def proposed(rule: ApprovalRule = TWO_STEPS, **fields: object) -> WorkOrder:
    wo = order(S.IN_PROGRESS, **fields)
    wo.resolve(FIX, HANDLER, NOW, rule)
    wo.events.clear()
    return wo


# 审核/审批 ---------------------------------------------------------------------------


def test_resolve_under_an_approval_rule_proposes_the_resolution_and_waits():
    wo = order(S.IN_PROGRESS)
    wo.resolve(FIX, HANDLER, NOW, TWO_STEPS)
    assert wo.status is S.PENDING_APPROVAL
    assert wo.resolution is None
    assert wo.approval is not None
    assert wo.approval.current.role == "group_lead"
    assert events(wo) == ["ticket.approval_requested", "ticket.status_changed"]
    requested = wo.events[0].payload
    assert (requested.step, len(requested.chain), requested.requested_by) == (1, 2, ASSIGNEE)
    assert requested.resolution.cause == "fibre cut"
    change = wo.events[1].payload
    assert (change.from_status, change.to_status, change.command) == (
        S.IN_PROGRESS,
        S.PENDING_APPROVAL,
        "resolve",
    )
    assert wo.allowed_commands == [
        "approve", "cancel", "comment", "portal_message", "reject", "request_extension",
        "share", "tag", "untag", "unwatch", "upgrade_severity", "urge", "watch",
    ]  # fmt: skip


def test_each_step_approves_in_turn_and_the_last_one_resolves():
    wo = proposed()
    wo.approve("ok from the group", None, LEAD, NOW)
    assert wo.status is S.PENDING_APPROVAL
    assert wo.approval is not None
    assert wo.approval.step == 1
    assert events(wo) == ["ticket.approved"]
    first = wo.events[0].payload
    assert (first.step, first.steps, first.next_step, first.status) == (
        1,
        2,
        ApproverStep(role="supervisor", user="chen.chief"),
        S.PENDING_APPROVAL,
    )
    wo.events.clear()
    wo.approve(None, None, CHIEF, NOW + timedelta(minutes=5))
    assert (wo.status, wo.resolution, wo.approval) == (S.RESOLVED, FIX, None)
    assert events(wo) == ["ticket.approved", "ticket.resolved", "ticket.status_changed"]
    last = wo.events[0].payload
    assert (last.step, last.next_step, last.status) == (2, None, S.RESOLVED)
    change = wo.events[-1].payload
    assert (change.from_status, change.to_status, change.command) == (
        S.PENDING_APPROVAL,
        S.RESOLVED,
        "approve",
    )
    assert [h.command for h in wo.history] == ["resolve", "approve", "approve"]


@pytest.mark.parametrize(
    ("who", "step_role"),
    [
        (actor("supervisor", "chen.chief"), "group_lead"),  # the first step is a group lead's
        (actor("field_engineer", "zhou.lead"), "group_lead"),
    ],
)
def test_only_the_role_the_waiting_step_names_may_decide(who, step_role):
    wo = proposed()
    for decide in (lambda: wo.approve(None, None, who, NOW), lambda: wo.reject("no", who, NOW)):
        with pytest.raises(Forbidden) as refused:
            decide()
        assert refused.value.allowed_roles == [step_role]
    assert (wo.status, wo.events) == (S.PENDING_APPROVAL, [])


def test_a_step_naming_a_person_refuses_others_of_the_role():
    wo = proposed()
    wo.approve(None, None, LEAD, NOW)
    with pytest.raises(Forbidden) as refused:
        wo.approve(None, None, actor("supervisor", "someone.else"), NOW)
    assert "chen.chief" in refused.value.message
    assert wo.approval is not None
    assert wo.approval.step == 1


def test_the_proposer_may_not_approve_their_own_resolution():
    lead = actor("group_lead", "zhou.lead")
    wo = order(S.IN_PROGRESS, assignee="zhou.lead")
    wo.resolve(FIX, lead, NOW, ONE_STEP)
    with pytest.raises(Forbidden) as refused:
        wo.approve(None, None, lead, NOW)
    assert "proposer" in refused.value.message
    assert wo.status is S.PENDING_APPROVAL


def test_a_rejection_reopens_the_ticket_with_the_reason_kept_off_the_announcement():
    wo = proposed()
    wo.reject("the cause is the OLT, not the splitter", LEAD, NOW)
    assert (wo.status, wo.approval, wo.resolution) == (S.IN_PROGRESS, None, None)
    assert events(wo) == ["ticket.approval_rejected", "ticket.status_changed"]
    rejected, change = (e.payload for e in wo.events)
    assert (rejected.reason, rejected.step, rejected.requested_by) == (
        "the cause is the OLT, not the splitter",
        1,
        ASSIGNEE,
    )
    assert (change.to_status, change.command, change.reason) == (S.IN_PROGRESS, "reject", None)
    assert wo.history[-1].reason == "the cause is the OLT, not the splitter"
    wo.resolve(FIX, HANDLER, NOW, TWO_STEPS)  # a new proposal starts the chain again
    assert wo.approval is not None
    assert wo.approval.step == 0


def test_a_rejection_needs_a_reason():
    wo = proposed()
    with pytest.raises(InvalidField) as refused:
        wo.reject("  ", LEAD, NOW)
    assert refused.value.field == "reason"
    assert wo.status is S.PENDING_APPROVAL


def test_a_breach_while_waiting_needs_the_overdue_reason_at_the_last_step():
    wo = proposed(ONE_STEP)
    wo.mark_overdue()
    with pytest.raises(InvalidField) as refused:
        wo.approve(None, None, LEAD, NOW)
    assert refused.value.field == "overdue_reason"
    assert (wo.status, wo.events) == (S.PENDING_APPROVAL, [])
    wo.approve(None, "the approval took two days", LEAD, NOW)
    assert wo.resolution is not None
    assert wo.resolution.overdue_reason == "the approval took two days"


WORK: dict[Command, Callable[[WorkOrder], object]] = {
    Command.RESOLVE: lambda wo: wo.resolve(FIX, HANDLER, NOW),
    Command.TRANSFER: lambda wo: wo.transfer("wang.fang", None, "x", HANDLER, NOW),
    Command.START: lambda wo: wo.start(HANDLER, NOW),
    Command.TRACK: lambda wo: wo.track(FollowUpPlan(NOW.date()), HANDLER, NOW),
}


@pytest.mark.parametrize("command", list(WORK))
def test_a_pending_ticket_refuses_work_commands_naming_approve_and_reject(command):
    wo = proposed()
    with pytest.raises(IllegalTransition) as refused:
        WORK[command](wo)
    assert refused.value.status_code == 409
    assert {"approve", "reject"} <= set(refused.value.allowed)


def test_approve_without_a_proposal_is_refused():
    wo = order(S.PENDING_APPROVAL)  # a state that should never be stored
    with pytest.raises(IllegalTransition) as refused:
        wo.approve(None, None, LEAD, NOW)
    assert "approve" not in refused.value.allowed


def test_canceling_a_pending_ticket_drops_the_proposal():
    wo = proposed()
    wo.cancel("the customer withdrew", actor("requester", "c-1"), NOW)
    assert (wo.status, wo.approval) == (S.CLOSED, None)


def test_the_first_rule_by_order_covering_the_ticket_names_the_chain():
    complaint = ApprovalRule(
        rule_id="complaint", order=2, ticket_type=TicketType.COMPLAINT, chain=ONE_STEP.chain
    )
    major = ApprovalRule(rule_id="major", order=3, severity=Severity.MAJOR, chain=ONE_STEP.chain)
    rules = [major, complaint, TWO_STEPS.model_copy(update={"order": 1})]
    cases = {
        "sensitive": order(S.IN_PROGRESS, tags=["sensitive"], type=TicketType.COMPLAINT),
        "complaint": order(S.IN_PROGRESS, type=TicketType.COMPLAINT),
        "major": order(S.IN_PROGRESS, severity=Severity.MAJOR),
        None: order(S.IN_PROGRESS),
    }
    for expected, ticket in cases.items():
        found = matching_rule(rules, ticket)
        assert (found.rule_id if found else None) == expected


@pytest.mark.parametrize("role", ["requester", "system", "boss"])
def test_an_approver_must_be_a_staff_role(role):
    with pytest.raises(ValidationError):
        ApprovalRule(chain=(ApproverStep(role=role),))


# 延期申请 -----------------------------------------------------------------------------


def asked(**fields: object) -> WorkOrder:
    wo = order(S.IN_PROGRESS, **fields)
    wo.request_extension(NOW + timedelta(days=2), "waiting for a spare card", HANDLER, NOW)
    wo.events.clear()
    return wo


def test_the_assignee_asks_for_more_time_and_a_group_lead_approves():
    wo = order(S.IN_PROGRESS)
    until = NOW + timedelta(days=2)
    wo.request_extension(until, "waiting for a spare card", HANDLER, NOW)
    assert events(wo) == ["ticket.extension_requested"]
    assert wo.pending_extension is not None
    assert wo.status is S.IN_PROGRESS
    assert "request_extension" not in wo.allowed_commands
    assert {"approve_extension", "reject_extension"} <= set(wo.allowed_commands)
    wo.approve_extension("fine", LEAD, NOW + timedelta(hours=1))
    [approved] = [e.payload for e in wo.events if e.event_type == "ticket.extension_approved"]
    assert (approved.until, approved.requested_by, approved.comment) == (until, ASSIGNEE, "fine")
    assert wo.events[-1].actor.id == "zhou.lead"
    [extension] = wo.extensions
    assert (extension.state, extension.decided_by) == (ExtensionState.APPROVED, "zhou.lead")
    assert wo.pending_extension is None
    assert "request_extension" in wo.allowed_commands


def test_a_second_request_while_one_waits_is_a_conflict_naming_the_decisions():
    wo = asked()
    with pytest.raises(IllegalTransition) as refused:
        wo.request_extension(NOW + timedelta(days=3), "more", HANDLER, NOW)
    assert refused.value.status_code == 409
    assert "approve_extension" in refused.value.allowed
    assert "request_extension" not in refused.value.allowed


def test_deciding_without_a_request_is_a_conflict():
    wo = order(S.IN_PROGRESS)
    with pytest.raises(IllegalTransition) as refused:
        wo.approve_extension(None, LEAD, NOW)
    assert "approve_extension" not in refused.value.allowed
    assert "request_extension" in refused.value.allowed


def test_only_the_assignee_or_an_overrider_asks():
    wo = order(S.IN_PROGRESS)
    with pytest.raises(Forbidden):
        wo.request_extension(NOW + timedelta(days=1), "x", actor("agent", "wang.fang"), NOW)
    wo.request_extension(NOW + timedelta(days=1), "x", actor("supervisor", "chen.chief"), NOW)
    assert wo.pending_extension is not None


@pytest.mark.parametrize(
    ("until", "reason"),
    [
        (NOW - timedelta(minutes=1), "must lie ahead"),
        (NOW, "must lie ahead"),
        (NOW + timedelta(days=400), "days ahead"),
    ],
)
def test_the_new_due_time_must_lie_ahead_within_a_year(until, reason):
    wo = order(S.IN_PROGRESS)
    with pytest.raises(InvalidField) as refused:
        wo.request_extension(until, "x", HANDLER, NOW)
    assert refused.value.field == "until"
    assert reason in refused.value.reason
    assert wo.extensions == []


@pytest.mark.parametrize("role", ["field_engineer", "agent", "dispatcher", "admin"])
def test_only_a_group_lead_or_supervisor_decides(role):
    wo = asked()
    with pytest.raises(Forbidden) as refused:
        wo.approve_extension(None, actor(role, "x"), NOW)
    assert refused.value.allowed_roles == ["group_lead", "supervisor"]


def test_whoever_asked_may_not_decide():
    lead = actor("group_lead", "zhou.lead")
    wo = order(S.IN_PROGRESS, assignee="zhou.lead")
    wo.request_extension(NOW + timedelta(days=1), "x", lead, NOW)
    with pytest.raises(Forbidden):
        wo.approve_extension(None, lead, NOW)


def test_a_rejection_needs_a_reason_and_keeps_it():
    wo = asked()
    with pytest.raises(InvalidField) as refused:
        wo.reject_extension(" ", LEAD, NOW)
    assert refused.value.field == "reason"
    wo.reject_extension("resolve it with the spare you have", LEAD, NOW)
    assert events(wo) == ["ticket.extension_rejected"]
    assert wo.extensions[0].state is ExtensionState.REJECTED
    assert wo.extensions[0].decision_note == "resolve it with the spare you have"


def test_resolving_withdraws_a_request_nobody_decided_on():
    wo = asked()
    wo.resolve(FIX, HANDLER, NOW)
    assert wo.extensions[0].state is ExtensionState.WITHDRAWN


# 跟踪工单 -----------------------------------------------------------------------------


def test_resolve_with_a_follow_up_tracks_the_ticket():
    wo = order(S.IN_PROGRESS)
    wo.resolve(FIX, HANDLER, NOW, follow_up=FollowUpPlan(NOW.date() + timedelta(days=3), "call"))
    assert events(wo) == ["ticket.resolved", "ticket.status_changed", "ticket.tracking_set"]
    assert wo.tracking is not None
    assert wo.tracking.tracked_by == ASSIGNEE
    assert {"close_tracking", "track_to_new_ticket", "track"} <= set(wo.allowed_commands)


def test_a_follow_up_under_approval_is_set_only_when_the_last_step_approves():
    wo = order(S.IN_PROGRESS)
    plan = FollowUpPlan(NOW.date() + timedelta(days=3), "call")
    wo.resolve(FIX, HANDLER, NOW, ONE_STEP, plan)
    assert wo.tracking is None
    wo.approve(None, None, LEAD, NOW)
    assert wo.tracking is not None
    assert wo.tracking.on == plan.on
    assert wo.tracking.tracked_by == "zhou.lead"  # who applied it; the tracked view is theirs


@pytest.mark.parametrize(
    ("days", "reason"), [(-2, "in the past"), (367, "days ahead")], ids=["past", "far"]
)
def test_a_follow_up_date_must_be_reasonable(days, reason):
    wo = order(S.IN_PROGRESS)
    with pytest.raises(InvalidField) as refused:
        wo.resolve(FIX, HANDLER, NOW, follow_up=FollowUpPlan(NOW.date() + timedelta(days=days)))
    assert refused.value.field == "follow_up.on"
    assert reason in refused.value.reason
    assert (wo.status, wo.events) == (S.IN_PROGRESS, [])
    closed = order(S.CLOSED)
    with pytest.raises(InvalidField) as refused:
        closed.track(FollowUpPlan(NOW.date() + timedelta(days=days)), HANDLER, NOW)
    assert refused.value.field == "on"


def test_track_is_for_resolved_or_closed_tickets():
    with pytest.raises(IllegalTransition) as refused:
        order(S.IN_PROGRESS).track(FollowUpPlan(NOW.date()), HANDLER, NOW)
    assert "resolve" in refused.value.allowed
    wo = order(S.CLOSED)
    wo.track(FollowUpPlan(NOW.date(), "check the repair held"), HANDLER, NOW)
    assert events(wo) == ["ticket.tracking_set"]
    assert wo.tracked


def test_closing_the_tracking_is_the_trackers_and_happens_once():
    wo = order(S.CLOSED)
    wo.track(FollowUpPlan(NOW.date()), HANDLER, NOW)
    with pytest.raises(Forbidden):
        wo.close_tracking(None, actor("field_engineer", "wang.fang"), NOW)
    wo.close_tracking("customer happy", HANDLER, NOW)
    assert wo.tracking is not None
    assert wo.tracking.state is TrackingState.CLOSED
    assert events(wo)[-1] == "ticket.tracking_closed"
    with pytest.raises(IllegalTransition) as refused:
        wo.close_tracking(None, HANDLER, NOW)
    assert "track" in refused.value.allowed
    assert "close_tracking" not in refused.value.allowed


def test_a_tracked_ticket_turns_into_a_new_linked_one():
    wo = order(S.CLOSED, history=[])
    wo.track(FollowUpPlan(NOW.date(), "recheck the line"), HANDLER, NOW)
    follow_up = wo.track_to_new_ticket(None, HANDLER, NOW)
    assert follow_up == FollowUp(
        "t-1", "recheck the line", ASSIGNEE, "acme-1-track-2", subject_prefix="Follow-up"
    )
    assert wo.tracking is not None
    assert wo.tracking.state is TrackingState.CONVERTED
    converted = wo.events[-1].payload
    assert (converted.external_ref, converted.description) == ("acme-1-track-2", "recheck the line")
    assert not wo.tracked


# the use cases ------------------------------------------------------------------------


def setup(*orders, rules=()):
    uow = FakeUnitOfWork(FakeWorkOrders(*orders), FakeDirectory(approval_rules=rules))
    return (lambda: uow), uow


async def test_the_resolve_use_case_asks_the_tenants_approval_rules():
    new_uow, uow = setup(order(S.IN_PROGRESS, tags=["sensitive"]), rules=[TWO_STEPS])
    saved = await commands.resolve(new_uow, commands.Target("t-1", HANDLER), FIX)
    assert saved.status is S.PENDING_APPROVAL
    assert next(e.event_type for e in uow.published) == "ticket.approval_requested"


async def test_a_ticket_no_rule_covers_is_resolved_at_once():
    new_uow, _ = setup(order(S.IN_PROGRESS), rules=[TWO_STEPS])
    saved = await commands.resolve(new_uow, commands.Target("t-1", HANDLER), FIX)
    assert saved.status is S.RESOLVED


async def test_the_approvers_queue_holds_what_the_caller_may_decide():
    mine = proposed(ticket_id="t-1")
    named = proposed(ticket_id="t-2")
    named.approve(None, None, LEAD, NOW)  # now waiting for chen.chief by name
    own = order(S.IN_PROGRESS, ticket_id="t-3", assignee="zhou.lead")
    own.resolve(FIX, LEAD, NOW, ONE_STEP)
    new_uow, _ = setup(mine, named, own)
    lead_queue = await queries.approvals(new_uow, "acme", LEAD, 10)
    chief_queue = await queries.approvals(new_uow, "acme", CHIEF, 10)
    other_chief = await queries.approvals(new_uow, "acme", actor("supervisor", "x"), 10)
    assert [o.ticket_id for o in lead_queue] == ["t-1"]
    assert [o.ticket_id for o in chief_queue] == ["t-2"]
    assert other_chief == []


async def test_track_to_new_ticket_submits_the_linked_ticket_upstream():
    wo = order(S.CLOSED, contact=None, account_id="acct-9")
    wo.track(FollowUpPlan(NOW.date(), "recheck"), HANDLER, NOW)
    new_uow, uow = setup(wo)
    saved, follow_up = await commands.track_to_new_ticket(
        new_uow, commands.Target("t-1", HANDLER), "line drops again"
    )
    [submission] = uow.sent
    assert isinstance(submission, Submission)
    assert (submission.related_to, submission.external_ref) == ("t-1", follow_up.external_ref)
    assert submission.description == "line drops again"
    assert submission.subject.startswith("Follow-up: ")
    assert saved.tracking is not None
    assert saved.tracking.state is TrackingState.CONVERTED


async def test_the_extension_list_and_the_tracked_view():
    waiting = asked(ticket_id="t-1")
    granted = asked(ticket_id="t-2")
    granted.approve_extension(None, LEAD, NOW)
    tracked = order(S.CLOSED, ticket_id="t-3")
    tracked.track(FollowUpPlan(NOW.date() + timedelta(days=2)), HANDLER, NOW)
    new_uow, _ = setup(waiting, granted, tracked)
    pending = [ExtensionState.PENDING]
    both = [ExtensionState.PENDING, ExtensionState.APPROVED]
    assert [o.ticket_id for o, _ in await queries.extensions(new_uow, "acme", pending, 10)] == [
        "t-1"
    ]
    assert len(await queries.extensions(new_uow, "acme", both, 10)) == 2
    assert await queries.tracked(new_uow, "acme", ASSIGNEE, None, 10) == []
    due = await queries.tracked(new_uow, "acme", ASSIGNEE, NOW.date() + timedelta(days=2), 10)
    assert [o.ticket_id for o in due] == ["t-3"]
