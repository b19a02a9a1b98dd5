"""What each event means: the ticket fields it sets and the notices it gives."""

from datetime import UTC, datetime

import pytest

from services.notify.app.notices import reading_of
from services.notify.domain.rendering import Kind
from services.notify.domain.tickets import FollowedTicket
from shared.events import Actor, TicketRegistered
from shared.events import dispatch as d
from shared.events import qc as q
from shared.events import sla as s
from shared.events.submissions import RecordedContact
from shared.events.vocabulary import TicketStatus
from shared.testing.builders import ticket_registered

T0 = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)


def dispatched(cls: type, payload: object, actor: Actor | None = None) -> d.EventEnvelope:
    actor = actor or Actor(id="li.wei", role="field_engineer")
    return cls(occurred_at=T0, producer="dispatch", tenant_id="demo", ticket_id="t-1",
               actor=actor, payload=payload)  # fmt: skip


def kinds(event: d.EventEnvelope) -> list[Kind]:
    ticket = FollowedTicket("t-1", "demo")
    return [n.kind for n in reading_of(event).apply(event, ticket)]


def status_changed(command: str) -> d.EventEnvelope:
    return dispatched(d.TicketStatusChanged, d.TicketStatusChangedPayload(
        from_status=TicketStatus.IN_PROGRESS, to_status=TicketStatus.ON_HOLD, command=command,
    ))  # fmt: skip


@pytest.mark.parametrize("command", ["hold", "start", "wait_customer", "resume", "accept"])
def test_a_plain_status_change_is_told(command: str) -> None:
    assert kinds(status_changed(command)) == [Kind.STATUS_CHANGED]


@pytest.mark.parametrize("command", ["assign", "transfer", "resolve", "confirm", "cancel"])
def test_a_status_change_with_its_own_event_is_told_once_by_that_event(command: str) -> None:
    assert kinds(status_changed(command)) == []


def test_a_portal_message_is_told_and_an_internal_comment_is_not() -> None:
    def comment(visibility: d.CommentVisibility) -> d.EventEnvelope:
        return dispatched(d.TicketCommented, d.TicketCommentedPayload(
            comment_id="c-1", body="on my way", visibility=visibility,
            status=TicketStatus.IN_PROGRESS,
        ))  # fmt: skip

    assert kinds(comment(d.CommentVisibility.PORTAL)) == [Kind.PORTAL_MESSAGE]
    assert kinds(comment(d.CommentVisibility.INTERNAL)) == []


def test_a_registration_keeps_the_contact_and_the_portal_user() -> None:
    base = ticket_registered("t-1", tenant_id="demo", at=T0)
    payload = base.payload.model_copy(update={
        "contact": RecordedContact(name="Ivan", email="ivan@example.ru"), "repeat_of": "t-0",
    })  # fmt: skip
    event = TicketRegistered.model_validate(
        base.model_dump() | {"payload": payload, "actor": Actor(id="ivan", role="requester")}
    )
    ticket = FollowedTicket("t-1", "demo")
    notices = reading_of(event).apply(event, ticket)
    assert [n.kind for n in notices] == [Kind.REGISTERED, Kind.REPEAT_COMPLAINT]
    assert (ticket.get("submitted_by"), ticket.get("contact_email"), ticket.get("number")) == (
        "ivan", "ivan@example.ru", "demo-t-1",
    )  # fmt: skip


def test_an_agent_registering_for_a_customer_is_not_the_requester() -> None:
    event = ticket_registered("t-1", tenant_id="demo", at=T0).model_copy(
        update={"actor": Actor(id="agent.demo", role="agent")}
    )
    ticket = FollowedTicket("t-1", "demo")
    reading_of(event).apply(event, ticket)
    assert ticket.get("submitted_by") is None


@pytest.mark.parametrize(("passed", "expected"), [(True, []), (False, [Kind.INSPECTION_FAILED])])
def test_only_a_failed_inspection_is_told(passed: bool, expected: list[Kind]) -> None:
    event = q.InspectionSubmitted(
        occurred_at=T0, tenant_id="demo", ticket_id="t-1",
        payload=q.InspectionSubmittedPayload(
            inspector="inspector.demo", score=40.0 if not passed else 90.0, passed=passed,
            failed_items=[] if passed else ["solution_effective"], defects=[],
        ),
    )  # fmt: skip
    assert kinds(event) == expected


def test_a_share_follows_and_tells_those_it_was_shared_with() -> None:
    event = dispatched(d.TicketShared, d.TicketSharedPayload(shared_with=["zhang.min"]))
    ticket = FollowedTicket("t-1", "demo")
    (notice,) = reading_of(event).apply(event, ticket)
    assert (notice.kind, notice.shared_with, ticket.shared_with) == (
        Kind.SHARED, ("zhang.min",), {"zhang.min"},
    )  # fmt: skip


@pytest.mark.parametrize(
    ("metric", "expected"),
    [
        (s.SlaMetric.RESOLUTION, [Kind.SLA_WARNING, Kind.SLA_BREACHED]),
        (s.SlaMetric.INSPECTION, []),  # quality control's deadline: not the assignee's lateness
        (s.SlaMetric.APPEAL, []),
    ],
)
def test_only_the_tickets_handling_being_late_is_told(
    metric: s.SlaMetric, expected: list[Kind]
) -> None:
    common = {"occurred_at": T0, "producer": "sla", "tenant_id": "demo", "ticket_id": "t-1"}
    warning = s.SlaWarningIssued(**common, payload=s.SlaWarningIssuedPayload(
        metric=metric, policy_id="p", threshold_percent=75, target_seconds=60,
        elapsed_seconds=45, due_at=T0,
    ))  # fmt: skip
    breach = s.SlaBreached(**common, payload=s.SlaBreachedPayload(
        metric=metric, policy_id="p", target_seconds=60, due_at=T0,
    ))  # fmt: skip
    assert kinds(warning) + kinds(breach) == expected


def judged_events() -> list[d.EventEnvelope]:
    def qc(cls: type, payload: object, minutes: int, actor: str) -> d.EventEnvelope:
        return cls(occurred_at=T0.replace(minute=minutes), producer="qc", tenant_id="demo",
                   ticket_id="t-1", actor=Actor(id=actor, role="supervisor"),
                   payload=payload)  # fmt: skip

    return [
        qc(q.ResponsibilityJudged, q.ResponsibilityJudgedPayload(
            judgement_id="t-1:j1", judge="zhao", unit="delivery-3", person="li.wei",
            category="延误", text="未按时投递"), 1, "zhao"),
        qc(q.AppealFiled, q.AppealFiledPayload(
            judgement_id="t-1:j1", appellant="chen.lead", unit="delivery-3",
            reason_category="other", text="非我部责任"), 2, "chen.lead"),
        qc(q.AppealDecided, q.AppealDecidedPayload(
            judgement_id="t-1:j1", reviewer="sun", decision=q.AppealDecision.REASSIGNED,
            reason="收寄局录入不全", new_unit="sorting"), 3, "sun"),
        qc(q.ResponsibilityJudged, q.ResponsibilityJudgedPayload(
            judgement_id="t-1:j2", judge="sun", unit="sorting", category="延误",
            text="收寄局录入不全"), 3, "sun"),
    ]  # fmt: skip


def test_the_judged_unit_hears_of_its_judgement_and_of_the_appeals_outcome() -> None:
    ticket = FollowedTicket("t-1", "demo")
    judged, filed, decided, rejudged = (reading_of(e).apply(e, ticket) for e in judged_events())
    [judgement] = judged
    assert (judgement.kind, judgement.concerned, judgement.unit) == (
        Kind.RESPONSIBILITY_JUDGED, ("li.wei",), "delivery-3",
    )  # fmt: skip
    assert judgement.details["reason"] == "未按时投递"
    assert filed == []
    [decision] = decided
    assert decision.kind is Kind.APPEAL_DECIDED
    assert decision.concerned == ("chen.lead", "li.wei")  # who appealed, who was judged
    assert decision.unit == "delivery-3"  # the unit that appealed hears the outcome
    assert (decision.details["decision"], decision.details["unit"]) == ("reassigned", "sorting")
    [new] = rejudged
    assert (new.concerned, new.unit) == ((), "sorting")  # nobody of the old unit
