"""Return visits: only a reached customer completes one; a missed call says when to call
again; after the last allowed attempt the visit is abandoned."""

from datetime import UTC, datetime, timedelta

import pytest

from services.qc.domain.cases import QcCase, QcPolicy, Registration
from services.qc.domain.visits import Call, ReturnVisit, VisitPolicy, VisitState
from shared.errors import Conflict, Forbidden, InvalidFields, NotFound
from shared.events import Actor
from shared.events.dispatch import ClosureReason
from shared.events.qc import (
    ReturnVisitAbandoned,
    ReturnVisitAbandonedPayload,
    ReturnVisitAttempted,
    ReturnVisitAttemptedPayload,
    ReturnVisitCompleted,
    ReturnVisitCompletedPayload,
    VisitOutcome,
)

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
POLICY = VisitPolicy(max_attempts=3)
LATER = T0 + timedelta(hours=2)
OPERATOR = Actor(id="zhang.min", role="agent")


def test_a_reached_customer_completes_the_visit_with_satisfaction_and_answers():
    visit = ReturnVisit()
    done = visit.record(Call(VisitOutcome.REACHED, 2, {"resolved": "yes"}), POLICY, T0)

    assert isinstance(done, ReturnVisitCompletedPayload)
    assert visit.state is VisitState.COMPLETED
    assert (done.attempt, done.satisfaction, done.dissatisfied) == (1, 2, True)


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (Call(VisitOutcome.REACHED), "satisfaction"),
        (Call(VisitOutcome.REACHED, 4, {"weather": "fine"}), "answers.weather"),
        (Call(VisitOutcome.REACHED, 4, next_attempt_at=LATER), "next_attempt_at"),
        (Call(VisitOutcome.BUSY), "next_attempt_at"),
        (Call(VisitOutcome.NO_ANSWER, next_attempt_at=T0), "next_attempt_at"),
        (Call(VisitOutcome.REFUSED, 3, next_attempt_at=LATER), "outcome"),
    ],
)
def test_a_call_that_breaks_the_rules_is_refused_naming_the_field_and_changes_nothing(call, field):
    visit = ReturnVisit()
    with pytest.raises(InvalidFields) as refused:
        visit.record(call, POLICY, T0)

    assert field in refused.value.errors
    assert (visit.state, visit.attempts) == (VisitState.DUE, 0)


def test_missed_calls_reschedule_until_the_last_attempt_abandons_the_visit():
    visit = ReturnVisit()
    first = visit.record(Call(VisitOutcome.NO_ANSWER, next_attempt_at=LATER), POLICY, T0)
    second = visit.record(Call(VisitOutcome.BUSY, next_attempt_at=LATER), POLICY, T0)
    last = visit.record(Call(VisitOutcome.WRONG_NUMBER), POLICY, T0)

    assert isinstance(first, ReturnVisitAttemptedPayload)
    assert isinstance(second, ReturnVisitAttemptedPayload)
    assert isinstance(last, ReturnVisitAbandonedPayload)
    assert (first.attempt, second.attempt) == (1, 2)
    assert visit.state is VisitState.ABANDONED
    assert (last.attempts, last.last_outcome) == (3, "wrong_number")
    with pytest.raises(Conflict):
        visit.record(Call(VisitOutcome.REACHED, 5), POLICY, T0)


def closed_complaint(kind: str = "complaint", reason=ClosureReason.CONFIRMED) -> QcCase:
    case = QcCase("t-1", "acme")
    case.registration = Registration("acme-1", "phone", None, "ext-1", T0, kind)
    case.closed_at, case.closure_reason = T0, reason
    case.advance(QcPolicy(sample_share=0.0), T0)
    return case


def test_a_closed_complaint_gets_a_visit_and_other_types_or_canceled_ones_do_not():
    assert closed_complaint().visit is not None
    assert closed_complaint(kind="incident").visit is None
    assert closed_complaint(reason=ClosureReason.CANCELED).visit is None


def test_every_call_is_an_event_by_an_operator():
    case = closed_complaint()
    policy = QcPolicy(visits=VisitPolicy(max_attempts=2))
    case.call(OPERATOR, Call(VisitOutcome.BUSY, next_attempt_at=LATER), policy, T0)
    case.call(OPERATOR, Call(VisitOutcome.REACHED, 5, {"speed": "fast"}), policy, LATER)
    with pytest.raises(Forbidden):
        case.call(Actor(id="li.wei", role="field_engineer"), Call(VisitOutcome.BUSY), policy, T0)
    with pytest.raises(NotFound):
        closed_complaint(kind="incident").call(OPERATOR, Call(VisitOutcome.BUSY), policy, T0)

    kinds = [type(e) for e in case.events]
    assert kinds[-2:] == [ReturnVisitAttempted, ReturnVisitCompleted]
    assert case.events[-1].actor == OPERATOR
    assert ReturnVisitAbandoned not in kinds
