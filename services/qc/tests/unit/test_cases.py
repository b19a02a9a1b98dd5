"""A closed ticket's way through inspection back upstream, in any event order."""

from datetime import UTC, datetime, timedelta
from itertools import permutations

import pytest

from services.qc.domain.cases import (
    InspectionState,
    QcCase,
    QcPolicy,
    Registration,
    Resolution,
    Verdict,
)
from services.qc.domain.checklists import Checklist, ChecklistItem, default_checklist, score
from services.qc.domain.sampling import sampled
from shared.errors import Conflict, Forbidden, InvalidFields
from shared.events import Actor
from shared.events.dispatch import ClosureReason
from shared.events.qc import InspectionCreated, InspectionSubmitted, OverdueVerdict

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
INSPECTOR = Actor(id="qian", role="inspector")
ALL_MET = {item.key: True for item in default_checklist().items}
NEVER, ALWAYS = QcPolicy(sample_share=0.0), QcPolicy(sample_share=1.0)


def register(case: QcCase) -> None:
    case.registration = Registration("acme-1", "phone", "cs-9", "ext-1", T0)


def resolve(case: QcCase, overdue_reason: str | None = None) -> None:
    case.resolution = Resolution("fibre", "spliced", "FIX", overdue_reason, T0 + timedelta(hours=2))


def close(case: QcCase, reason: ClosureReason = ClosureReason.CONFIRMED) -> None:
    case.closed_at, case.closure_reason = T0 + timedelta(hours=3), reason


def closed_case(policy: QcPolicy, *extra) -> QcCase:
    case = QcCase("t-1", "acme")
    for step in (register, resolve, close, *extra):
        step(case)
        case.advance(policy, T0 + timedelta(hours=4))
    return case


# Resolution and closure come in order on dispatch's topic; the registration, on intake's,
# may come before, between or after them.
ORDERS = [o for o in permutations([register, resolve, close]) if o.index(resolve) < o.index(close)]


@pytest.mark.parametrize("order", ORDERS)
def test_a_ticket_not_inspected_is_returned_once_whatever_the_order(order):
    case = QcCase("t-1", "acme")
    for step in order:
        step(case)
        case.advance(NEVER, T0)
    case.advance(NEVER, T0)

    assert case.inspection is None
    assert len(case.returns) == 1
    returned = case.returns[0]
    assert (returned.external_ref, returned.source_system, returned.closure_reason) == (
        "ext-1", "cs-9", "confirmed",
    )  # fmt: skip
    assert returned.inspection is None
    assert (returned.cause, returned.closure_code) == ("fibre", "FIX")


def test_nothing_is_decided_before_the_ticket_is_closed_and_registered():
    case = QcCase("t-1", "acme")
    close(case)
    case.advance(ALWAYS, T0)

    assert (case.decided, case.events, case.returns) == (False, [], [])


def test_every_overdue_ticket_is_inspected_even_with_no_sample():
    breached = closed_case(NEVER, lambda c: setattr(c, "breached", True))
    by_reason = QcCase("t-2", "acme")
    register(by_reason)
    resolve(by_reason, overdue_reason="storm")
    close(by_reason)
    by_reason.advance(NEVER, T0)

    # A breach seen after the decision comes too late; the overdue reason does not.
    assert breached.inspection is None
    assert by_reason.inspection is InspectionState.OPEN
    assert isinstance(by_reason.events[0], InspectionCreated)
    assert by_reason.events[0].payload.reason == "overdue"
    assert by_reason.returns == []


def test_canceled_tickets_are_returned_uninspected_unless_the_tenant_asks():
    canceled, asked = QcCase("t-1", "acme"), QcCase("t-2", "acme")
    for case in (canceled, asked):
        register(case)
        close(case, ClosureReason.CANCELED)
    canceled.advance(ALWAYS, T0)
    asked.advance(QcPolicy(sample_share=1.0, inspect_canceled=True), T0)

    assert canceled.inspection is None
    assert canceled.returns[0].closure_reason == "canceled"
    assert asked.inspection is InspectionState.OPEN


def test_the_sample_is_the_tenants_share_and_the_same_on_every_replay():
    picked = [sampled("acme", f"t-{i}", 0.2, "seed") for i in range(5000)]

    assert 0.17 < sum(picked) / len(picked) < 0.23
    assert picked == [sampled("acme", f"t-{i}", 0.2, "seed") for i in range(5000)]
    assert picked != [sampled("acme", f"t-{i}", 0.2, "other") for i in range(5000)]
    assert not any(sampled("acme", f"t-{i}", 0.0, "seed") for i in range(100))


def test_submitting_scores_the_checklist_and_returns_the_ticket_with_the_result():
    case = closed_case(ALWAYS)
    case.claim(INSPECTOR)
    case.submit(INSPECTOR, Verdict(ALL_MET | {"customer_informed": False}), ALWAYS, T0)

    submitted = case.events[-1]
    assert isinstance(submitted, InspectionSubmitted)
    assert (submitted.payload.score, submitted.payload.passed) == (80.0, True)
    assert submitted.payload.failed_items == ["customer_informed"]
    assert case.inspection is InspectionState.SUBMITTED
    assert case.returns[0].inspection is not None
    assert case.returns[0].inspection.score == 80.0


def test_a_failed_critical_item_fails_whatever_the_score():
    result = score(default_checklist(), ALL_MET | {"solution_effective": False})

    assert (result.score, result.passed) == (70.0, False)


def test_every_item_and_only_the_checklists_items_are_judged():
    checklist = Checklist.of([ChecklistItem("a", "A", 1)], 50)

    with pytest.raises(InvalidFields) as refused:
        score(checklist, {"b": True})
    assert set(refused.value.errors) == {"items.a", "items.b"}
    with pytest.raises(InvalidFields):
        Checklist.of([ChecklistItem("a", "A", 1), ChecklistItem("a", "B", 1)], 50)


def test_an_overdue_tickets_reason_must_be_judged_and_a_rejection_explained():
    case = QcCase("t-1", "acme")
    register(case)
    resolve(case, overdue_reason="storm")
    close(case)
    case.advance(NEVER, T0)

    with pytest.raises(InvalidFields) as missing:
        case.submit(INSPECTOR, Verdict(ALL_MET), NEVER, T0)
    with pytest.raises(InvalidFields) as unexplained:
        case.submit(INSPECTOR, Verdict(ALL_MET, overdue_verdict=OverdueVerdict.REJECTED), NEVER, T0)
    case.submit(INSPECTOR, Verdict(ALL_MET, overdue_verdict=OverdueVerdict.ACCEPTED), NEVER, T0)

    assert set(missing.value.errors) == {"overdue_verdict"}
    assert set(unexplained.value.errors) == {"overdue_note"}
    outcome = case.returns[0].inspection
    assert outcome is not None
    assert outcome.overdue_verdict == "accepted"


def test_a_not_overdue_ticket_has_no_overdue_verdict():
    case = closed_case(ALWAYS)

    with pytest.raises(InvalidFields):
        case.submit(
            INSPECTOR, Verdict(ALL_MET, overdue_verdict=OverdueVerdict.ACCEPTED), ALWAYS, T0
        )


def test_only_inspectors_inspect_and_a_claim_is_the_claimants():
    case = closed_case(ALWAYS)
    other = Actor(id="sun", role="inspector")

    with pytest.raises(Forbidden) as agent:
        case.claim(Actor(id="zhang", role="agent"))
    case.claim(INSPECTOR)
    case.claim(INSPECTOR)  # again: harmless
    with pytest.raises(Conflict) as taken:
        case.claim(other)
    with pytest.raises(Forbidden):
        case.submit(other, Verdict(ALL_MET), ALWAYS, T0)

    assert "inspector" in agent.value.allowed_roles
    assert taken.value.allowed == ["submit"]


def test_a_submitted_inspection_is_final_and_returned_only_once():
    case = closed_case(ALWAYS)
    case.submit(INSPECTOR, Verdict(ALL_MET), ALWAYS, T0)

    with pytest.raises(Conflict) as again:
        case.submit(INSPECTOR, Verdict(ALL_MET), ALWAYS, T0)
    case.advance(ALWAYS, T0)

    assert again.value.allowed == []
    assert len(case.returns) == 1
