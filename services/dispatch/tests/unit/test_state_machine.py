"""Every (status, command) pair of the transition table, run through the aggregate."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from services.dispatch.domain.command_names import Command
from services.dispatch.domain.errors import Forbidden, IllegalTransition
from services.dispatch.domain.people import Colleagues, Person
from services.dispatch.domain.roles import Role
from services.dispatch.domain.transitions import TABLE, allowed_commands
from services.dispatch.domain.values import (
    Approval,
    ChangeRecord,
    Extension,
    FollowUp,
    FollowUpPlan,
    Resolution,
    Tracking,
)
from services.dispatch.domain.work_order import WorkOrder
from services.dispatch.tests.unit.builders import ASSIGNEE, NOW, actor, order
from shared.events import Actor, TicketAssigned
from shared.events.dispatch import (
    Appointment,
    ApprovalRejected,
    ApproverStep,
    ChangeSubmitted,
    CustomerReplied,
    EscalationReason,
    ExtensionApproved,
    ExtensionRejected,
    ExtensionRequested,
    ProblemCreated,
    TicketAccepted,
    TicketApproved,
    TicketCanceled,
    TicketClosed,
    TicketCommented,
    TicketEscalated,
    TicketResolved,
    TicketSeverityUpgraded,
    TicketShared,
    TicketStatusChanged,
    TicketTransferred,
    TicketUrged,
    TicketWatchChanged,
    TrackingClosed,
    TrackingConverted,
    TrackingSet,
)
from shared.events.vocabulary import Severity, TicketStatus

WINDOW = Appointment(starts_at=NOW + timedelta(hours=2), ends_at=NOW + timedelta(hours=4))
CHANGE = ChangeRecord(
    "c-1", "t-1", "acme", "swap OLT card", "card faulty", "low",
    NOW, NOW + timedelta(hours=1), "put the old card back", NOW, ASSIGNEE,
)  # fmt: skip
Run = Callable[[WorkOrder, Actor], Any]
FIX = Resolution("fibre cut", "spliced", "fixed")
COLLEAGUES = Colleagues("acme", None, {"zhao.lei": Person("zhao.lei")})

RUN: dict[Command, Run] = {
    Command.RELEASE: lambda o, a: o.release(a, NOW),
    Command.ASSIGN: lambda o, a: o.assign(ASSIGNEE, "noc", "rule", a, NOW),
    Command.ACCEPT: lambda o, a: o.accept(WINDOW, a, NOW),
    Command.START: lambda o, a: o.start(a, NOW),
    Command.TRANSFER: lambda o, a: o.transfer("wang.fang", None, "wrong area", a, NOW),
    Command.RETURN_TO_CENTRE: lambda o, a: o.return_to_centre("centre", "not ours", a, NOW),
    Command.URGE: lambda o, a: o.urge("customer called again", 0, a, NOW),
    Command.TAG: lambda o, a: o.tag("vip", a, NOW),
    Command.UNTAG: lambda o, a: o.untag("fibre", a, NOW),
    Command.WATCH: lambda o, a: o.watch(True, a, NOW),
    Command.UNWATCH: lambda o, a: o.watch(False, a, NOW),
    Command.SHARE: lambda o, a: o.share(["zhao.lei"], None, COLLEAGUES, a, NOW),
    Command.ESCALATE: lambda o, a: o.escalate(
        EscalationReason.NEEDS_EXPERTISE, None, "l2-net", None, a, NOW
    ),
    Command.UPGRADE_SEVERITY: lambda o, a: o.upgrade_severity(Severity.URGENT, None, a, NOW),
    Command.CONVERT_TO_PROBLEM: lambda o, a: o.convert_to_problem("OLT", "flaps", None, a, NOW),
    Command.SUBMIT_CHANGE: lambda o, a: o.submit_change(CHANGE, a, NOW),
    Command.WAIT_CUSTOMER: lambda o, a: o.pause(Command.WAIT_CUSTOMER, "test call", a, NOW),
    Command.HOLD: lambda o, a: o.pause(Command.HOLD, "vendor", a, NOW),
    Command.INVESTIGATE: lambda o, a: o.pause(Command.INVESTIGATE, None, a, NOW),
    Command.RESUME: lambda o, a: o.resume(None, a, NOW),
    Command.RESOLVE: lambda o, a: o.resolve(FIX, a, NOW),
    Command.CUSTOMER_REPLY: lambda o, a: o.customer_reply("still down", a, NOW),
    Command.CONFIRM: lambda o, a: o.confirm(a, NOW),
    Command.CANCEL: lambda o, a: o.cancel("opened by mistake", a, NOW),
    Command.AUTO_CLOSE: lambda o, a: o.auto_close(a, NOW),
    Command.CLOSE: lambda o, a: o.close(a, NOW),
    Command.COMMENT: lambda o, a: o.comment(Command.COMMENT, "checked the OLT", a, NOW),
    Command.PORTAL_MESSAGE: lambda o, a: o.comment(Command.PORTAL_MESSAGE, "on our way", a, NOW),
    Command.APPROVE: lambda o, a: o.approve("looks right", None, a, NOW),
    Command.REJECT: lambda o, a: o.reject("the cause is not the splitter", a, NOW),
    Command.REQUEST_EXTENSION: lambda o, a: o.request_extension(
        NOW + timedelta(days=2), "waiting for a spare OLT card", a, NOW
    ),
    Command.APPROVE_EXTENSION: lambda o, a: o.approve_extension(None, a, NOW),
    Command.REJECT_EXTENSION: lambda o, a: o.reject_extension("not needed", a, NOW),
    Command.TRACK: lambda o, a: o.track(FollowUpPlan(NOW.date() + timedelta(days=7)), a, NOW),
    Command.CLOSE_TRACKING: lambda o, a: o.close_tracking("customer happy", a, NOW),
    Command.TRACK_TO_NEW_TICKET: lambda o, a: o.track_to_new_ticket(None, a, NOW),
}

EVENT = {
    Command.ASSIGN: TicketAssigned,
    Command.ACCEPT: TicketAccepted,
    Command.TRANSFER: TicketTransferred,
    Command.RETURN_TO_CENTRE: TicketTransferred,
    Command.URGE: TicketUrged,
    Command.WATCH: TicketWatchChanged,
    Command.UNWATCH: TicketWatchChanged,
    Command.SHARE: TicketShared,
    Command.ESCALATE: TicketEscalated,
    Command.UPGRADE_SEVERITY: TicketSeverityUpgraded,
    Command.CONVERT_TO_PROBLEM: ProblemCreated,
    Command.SUBMIT_CHANGE: ChangeSubmitted,
    Command.RESOLVE: TicketResolved,
    Command.CUSTOMER_REPLY: CustomerReplied,
    Command.CONFIRM: TicketClosed,
    Command.CANCEL: TicketCanceled,
    Command.AUTO_CLOSE: TicketClosed,
    Command.CLOSE: TicketClosed,
    Command.COMMENT: TicketCommented,
    Command.PORTAL_MESSAGE: TicketCommented,
    Command.APPROVE: TicketApproved,
    Command.REJECT: ApprovalRejected,
    Command.REQUEST_EXTENSION: ExtensionRequested,
    Command.APPROVE_EXTENSION: ExtensionApproved,
    Command.REJECT_EXTENSION: ExtensionRejected,
    Command.TRACK: TrackingSet,
    Command.CLOSE_TRACKING: TrackingClosed,
    Command.TRACK_TO_NEW_TICKET: TrackingConverted,
}
# A one-step chain for an admin (the first role of the approvers, as the tests pick it).
PROPOSAL = Approval("sensitive", (ApproverStep(role="admin"),), FIX, "wang.fang", NOW)
EXTENSION = Extension("x-1", NOW + timedelta(days=2), "spare part", "wang.fang", NOW)
TRACKING = Tracking(NOW.date(), "call back", ASSIGNEE, NOW)

PAIRS = [(status, command) for status in TicketStatus for command in Command]
ALLOWED = [pair for pair in PAIRS if pair in TABLE]
FORBIDDEN = [pair for pair in PAIRS if pair not in TABLE]


def test_every_command_has_a_runner_and_every_status_a_way_forward():
    assert set(RUN) == set(Command)
    assert all(allowed_commands(s) for s in TicketStatus)


def prepared(status: TicketStatus, command: Command) -> WorkOrder:
    """A ticket in ``status`` where the command's precondition holds (a proposal waits in
    pending_approval, an extension request for its decision, a tracking for its end)."""
    watchers = [ASSIGNEE] if command is Command.UNWATCH else []
    wo = order(status, tags=["fibre"], watchers=watchers)
    if status is TicketStatus.PENDING_APPROVAL:
        wo.approval = PROPOSAL
    if command in (Command.APPROVE_EXTENSION, Command.REJECT_EXTENSION):
        wo.extensions = [EXTENSION]
    if command in (Command.CLOSE_TRACKING, Command.TRACK_TO_NEW_TICKET):
        wo.tracking = TRACKING
    return wo


@pytest.mark.parametrize(("status", "command"), ALLOWED)
def test_an_allowed_command_moves_to_the_tables_status_and_records_its_events(status, command):
    wo = prepared(status, command)
    role = sorted(TABLE[(status, command)].roles)[0]
    result = RUN[command](wo, actor(role))
    target = TABLE[(status, command)].target
    assert wo.status is target
    kinds = [type(e) for e in wo.events]
    if command in EVENT and not isinstance(result, FollowUp):
        assert EVENT[command] in kinds
    changes = [e.payload for e in wo.events if isinstance(e, TicketStatusChanged)]
    expected = [(status, target, command.value)] if target is not status else []
    assert [(c.from_status, c.to_status, c.command) for c in changes] == expected
    assert wo.history[-1].command == command.value
    assert all(e.ticket_id == "t-1" and e.tenant_id == "acme" for e in wo.events)


@pytest.mark.parametrize(("status", "command"), FORBIDDEN)
def test_a_forbidden_command_names_the_allowed_ones_and_changes_nothing(status, command):
    wo = prepared(status, command)
    before = (wo.status, wo.assignee, list(wo.tags), list(wo.watchers), wo.severity)
    with pytest.raises(IllegalTransition) as refused:
        RUN[command](wo, actor("admin"))
    assert refused.value.allowed == wo.allowed_commands
    assert set(wo.allowed_commands) <= set(allowed_commands(status))
    assert refused.value.status_code == 409
    assert command.value not in refused.value.allowed
    assert (wo.status, wo.assignee, list(wo.tags), list(wo.watchers), wo.severity) == before
    assert wo.events == []
    assert wo.history == []


@pytest.mark.parametrize(("status", "command"), ALLOWED)
def test_a_role_outside_the_transition_is_forbidden(status, command):
    roles = TABLE[(status, command)].roles
    outsider = next(r for r in ("requester", "inspector", "system", "agent") if r not in roles)
    wo = prepared(status, command)
    with pytest.raises(Forbidden) as refused:
        RUN[command](wo, actor(outsider))
    assert refused.value.status_code == 403
    assert refused.value.allowed_roles == sorted(roles)
    assert wo.events == []
    assert wo.status is status


@pytest.mark.parametrize("role", [r.value for r in Role])
@pytest.mark.parametrize("status", list(TicketStatus))
def test_what_a_role_is_offered_is_exactly_what_it_may_run(status, role):
    wo = order(status)
    offered = wo.allowed_for(role)
    assert set(offered) <= set(wo.allowed_commands)
    for command in wo.allowed_commands:
        assert (command in offered) is (role in TABLE[(status, Command(command))].roles)


def test_a_resolved_ticket_offers_confirm_to_the_customer_desk_not_to_the_engineer():
    wo = order(TicketStatus.RESOLVED)
    assert "confirm" in wo.allowed_for("requester")
    assert "confirm" in wo.allowed_for("agent")
    assert "confirm" not in wo.allowed_for("field_engineer")
