"""判责 and 申诉: who may do what in each state, the window, the template library."""

from datetime import UTC, datetime, timedelta

import pytest

from services.qc.domain.appeal_templates import (
    OTHER,
    AppealTemplate,
    Category,
    library,
    placeholders,
    template_of,
)
from services.qc.domain.cases import QcCase, Registration
from services.qc.domain.judgements import (
    AppealChoice,
    JudgementState,
    Judging,
    Review,
    Unit,
    compose_appeal,
)
from shared.errors import Conflict, Forbidden, InvalidFields, NotFound
from shared.events import Actor
from shared.events.qc import AppealDecided, AppealDecision, AppealFiled, ResponsibilityJudged

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SUPERVISOR, REVIEWER = Actor(id="zhao", role="supervisor"), Actor(id="sun", role="admin")
CLERK, OUTSIDER = Actor(id="li", role="agent"), Actor(id="wang", role="agent")
DELIVERY = Unit("delivery-3", "投递三部", frozenset({"li"}))
SORTING = Unit("sorting", "分拣中心", frozenset({"wang"}))
CATEGORIES = (Category("late_scanning", {"zh-CN": "上网不及时", "en": "Late scanning"}),)
LATE = AppealTemplate(
    "late_scanning.1", "late_scanning", ("month", "day"),
    {"zh-CN": "经核实,此邮件于{month}月{day}日到达投递部,并于当日妥投。",
     "en": "The item reached the delivery section on {month}/{day} and was delivered that day."},
)  # fmt: skip
LIB = library(CATEGORIES, [LATE], [], [])
FILLED = AppealChoice("late_scanning.1", fields={"month": "3", "day": "1"})


def complaint(kind: str = "complaint") -> QcCase:
    case = QcCase("t-1", "acme")
    case.registration = Registration("acme-1", "phone", None, "ext-1", T0, kind)
    return case


def judged(appealable: bool = True) -> QcCase:
    case = complaint()
    case.judge(SUPERVISOR, Judging(DELIVERY, "延误", "未按时投递", appealable=appealable), T0)
    return case


def appealed() -> QcCase:
    case = judged()
    case.appeal(CLERK, DELIVERY, compose_appeal(CLERK, FILLED, LIB, T0), T0 + timedelta(hours=1))
    return case


def test_a_judgement_is_an_event_naming_the_unit():
    case = judged()
    [event] = case.events
    assert isinstance(event, ResponsibilityJudged)
    assert (event.payload.judgement_id, event.payload.unit) == ("t-1:j1", "delivery-3")
    assert event.actor == SUPERVISOR
    assert case.judgements[-1].state is JudgementState.STANDING
    assert case.judgements[-1].allowed() == ["appeal"]


def test_only_supervisors_judge_and_only_complaints():
    with pytest.raises(Forbidden):
        complaint().judge(CLERK, Judging(DELIVERY, "c", "t"), T0)
    with pytest.raises(Conflict):
        complaint("incident").judge(SUPERVISOR, Judging(DELIVERY, "c", "t"), T0)
    with pytest.raises(Conflict):
        QcCase("t-2", "acme").judge(SUPERVISOR, Judging(DELIVERY, "c", "t"), T0)


def test_a_complaint_is_judged_once():
    case = judged()
    with pytest.raises(Conflict) as refused:
        case.judge(SUPERVISOR, Judging(SORTING, "c", "t"), T0)
    assert refused.value.allowed == ["appeal"]


def test_a_member_of_the_judged_unit_appeals_with_a_filled_template():
    case = appealed()
    filed = case.events[-1]
    assert isinstance(filed, AppealFiled)
    assert filed.payload.text == "经核实,此邮件于3月1日到达投递部,并于当日妥投。"
    assert filed.payload.reason_category == "late_scanning"
    assert filed.payload.fields == {"month": "3", "day": "1"}
    assert case.judgements[-1].state is JudgementState.APPEALED
    assert case.judgements[-1].allowed() == ["decide"]


def test_nobody_outside_the_unit_appeals():
    case = judged()
    with pytest.raises(Forbidden):
        case.appeal(OUTSIDER, DELIVERY, compose_appeal(OUTSIDER, FILLED, LIB, T0), T0)
    assert case.judgements[-1].state is JudgementState.STANDING


def test_a_unit_cannot_appeal_twice_against_the_same_judgement():
    case = appealed()
    with pytest.raises(Conflict) as refused:
        case.appeal(CLERK, DELIVERY, compose_appeal(CLERK, FILLED, LIB, T0), T0)
    assert refused.value.allowed == ["decide"]


def test_after_the_window_closed_there_is_no_appeal():
    case = judged()
    case.close_appeal_window(T0 + timedelta(days=3))
    assert case.judgements[-1].state is JudgementState.FINAL
    with pytest.raises(Conflict, match="window to appeal closed") as refused:
        case.appeal(CLERK, DELIVERY, compose_appeal(CLERK, FILLED, LIB, T0), T0)
    assert refused.value.allowed == []


def test_a_window_closing_after_the_appeal_changes_nothing():
    case = appealed()
    case.close_appeal_window(T0 + timedelta(days=3))
    assert case.judgements[-1].state is JudgementState.APPEALED


def test_a_not_appealable_judgement_is_final_at_once():
    case = judged(appealable=False)
    assert case.judgements[-1].state is JudgementState.FINAL
    with pytest.raises(Conflict, match="it is final"):
        case.appeal(CLERK, DELIVERY, compose_appeal(CLERK, FILLED, LIB, T0), T0)


@pytest.mark.parametrize(
    ("decision", "state"),
    [(AppealDecision.UPHELD, JudgementState.UPHELD),
     (AppealDecision.NO_RESPONSIBILITY, JudgementState.NO_RESPONSIBILITY)],
)  # fmt: skip
def test_a_reviewer_upholds_or_clears(decision, state):
    case = appealed()
    case.decide(REVIEWER, Review(decision, "核实无误"), T0 + timedelta(days=1))
    decided = case.events[-1]
    assert isinstance(decided, AppealDecided)
    assert decided.payload.decision is decision
    assert case.judgements[-1].state is state
    assert case.judgements[-1].allowed() == []
    with pytest.raises(Conflict):
        case.decide(REVIEWER, Review(decision, "again"), T0)


def test_reassigning_opens_a_judgement_of_the_other_unit_with_its_own_window():
    case = appealed()
    case.decide(REVIEWER, Review(AppealDecision.REASSIGNED, "收寄局录入不全", SORTING, "wang"), T0)
    decided, rejudged = case.events[-2:]
    assert decided.payload.new_unit == "sorting"
    assert isinstance(rejudged, ResponsibilityJudged)
    assert (rejudged.payload.judgement_id, rejudged.payload.unit) == ("t-1:j2", "sorting")
    assert [j.state for j in case.judgements] == [JudgementState.REASSIGNED,
                                                  JudgementState.STANDING]  # fmt: skip
    # A breach of the first judgement's window, late from the SLA service, is not the new one's.
    case.close_appeal_window(T0 - timedelta(seconds=1))
    assert case.judgements[-1].state is JudgementState.STANDING
    wang = Actor(id="wang", role="agent")
    case.appeal(wang, SORTING, compose_appeal(wang, AppealChoice(category=OTHER, text="非我局"),
                                              LIB, T0), T0)  # fmt: skip
    assert case.judgements[-1].state is JudgementState.APPEALED


@pytest.mark.parametrize(
    ("review", "field"),
    [(Review(AppealDecision.REASSIGNED, "r"), "new_unit"),
     (Review(AppealDecision.REASSIGNED, "r", DELIVERY), "new_unit"),
     (Review(AppealDecision.UPHELD, "r", SORTING), "new_unit")],
)  # fmt: skip
def test_a_review_names_another_unit_exactly_when_reassigning(review, field):
    case = appealed()
    with pytest.raises(InvalidFields) as refused:
        case.decide(REVIEWER, review, T0)
    assert field in refused.value.errors
    assert case.judgements[-1].state is JudgementState.APPEALED


def test_only_reviewers_decide_and_never_their_own_appeal():
    case = appealed()
    with pytest.raises(Forbidden):
        case.decide(CLERK, Review(AppealDecision.UPHELD, "r"), T0)
    case = complaint()
    case.judge(SUPERVISOR, Judging(Unit("hq", "HQ", frozenset({"sun"})), "c", "t"), T0)
    case.appeal(REVIEWER, Unit("hq", "HQ", frozenset({"sun"})),
                compose_appeal(REVIEWER, FILLED, LIB, T0), T0)  # fmt: skip
    with pytest.raises(Forbidden, match="own appeal"):
        case.decide(REVIEWER, Review(AppealDecision.UPHELD, "r"), T0)


def test_deciding_before_an_appeal_is_refused_naming_what_is_allowed():
    with pytest.raises(Conflict) as refused:
        judged().decide(REVIEWER, Review(AppealDecision.UPHELD, "r"), T0)
    assert refused.value.allowed == ["appeal"]
    with pytest.raises(NotFound):
        complaint().decide(REVIEWER, Review(AppealDecision.UPHELD, "r"), T0)


@pytest.mark.parametrize(
    ("choice", "field"),
    [(AppealChoice("late_scanning.1", fields={"month": "3"}), "fields.day"),
     (AppealChoice("late_scanning.1", fields={"month": "3", "day": " "}), "fields.day"),
     (AppealChoice("late_scanning.1", fields={"month": "3", "day": "1", "x": "y"}), "fields.x"),
     (AppealChoice("nope"), "template_id"),
     (AppealChoice("late_scanning.1", category="loss_damage", fields={"month": "3", "day": "1"}),
      "category"),
     (AppealChoice("late_scanning.1", fields={"month": "3", "day": "1"}, text="mine"), "text"),
     (AppealChoice(category="late_scanning"), "text"),
     (AppealChoice(category="unknown", text="t"), "category"),
     (AppealChoice(category=OTHER, text="t", fields={"a": "b"}), "fields")],
)  # fmt: skip
def test_an_appeal_that_cannot_be_composed_names_the_field(choice, field):
    with pytest.raises(InvalidFields) as refused:
        compose_appeal(CLERK, choice, LIB, T0)
    assert field in refused.value.errors


def test_a_template_fills_in_the_language_asked_else_chinese():
    en = AppealChoice("late_scanning.1", fields={"month": "3", "day": "1"}, language="en")
    assert compose_appeal(CLERK, en, LIB, T0).text.startswith("The item reached")
    ru = AppealChoice("late_scanning.1", fields={"month": "3", "day": "1"}, language="ru")
    assert compose_appeal(CLERK, ru, LIB, T0).text.startswith("经核实")


def test_a_value_with_braces_is_inserted_as_typed():
    choice = AppealChoice("late_scanning.1", fields={"month": "{day}", "day": "{0}"})
    assert "于{day}月{0}日" in compose_appeal(CLERK, choice, LIB, T0).text


def test_placeholders_are_named_fields_only():
    assert placeholders("于{month}月{day}日,{month}") == ("month", "day")
    for bad in ("{0}", "{}", "{a.b}", "{a!r}", "{a:>3}", "{Month}", "{unclosed"):
        with pytest.raises(ValueError, match=r"field name|not a template text"):
            placeholders(bad)


def test_a_tenant_template_has_the_same_fields_in_every_language():
    made = template_of("own.1", "late_scanning", {"zh-CN": "{a}日", "en": "on {a}"}, "acme",
                       ["late_scanning"])  # fmt: skip
    assert made.fields == ("a",)
    with pytest.raises(InvalidFields) as refused:
        template_of("own.2", "late_scanning", {"zh-CN": "{a}", "en": "{b}"}, "acme", [])
    assert set(refused.value.errors) == {"texts", "category"}
    with pytest.raises(InvalidFields):
        template_of("own.3", "late_scanning", {}, "acme", ["late_scanning"])


def test_a_retired_template_is_no_longer_offered():
    own = AppealTemplate("own.1", OTHER, (), {"en": "ours"}, "acme")
    lib = library(CATEGORIES, [LATE], [own], ["late_scanning.1"])
    assert [t.template_id for t in lib.templates] == ["own.1"]
    with pytest.raises(NotFound):
        lib.get("late_scanning.1")


def in_state(state: JudgementState) -> QcCase:
    """A case whose standing judgement is in ``state``, reached the way users reach it."""
    if state is JudgementState.FINAL:
        case = judged()
        case.close_appeal_window(T0 + timedelta(days=3))
        return case
    if state is JudgementState.STANDING:
        return judged()
    case = appealed()
    if state is JudgementState.APPEALED:
        return case
    decision = {JudgementState.UPHELD: AppealDecision.UPHELD,
                JudgementState.NO_RESPONSIBILITY: AppealDecision.NO_RESPONSIBILITY}  # fmt: skip
    if state in decision:
        case.decide(REVIEWER, Review(decision[state], "r"), T0)
    else:
        case.decide(REVIEWER, Review(AppealDecision.REASSIGNED, "r", SORTING), T0)
        case.judgements.pop()  # look at the replaced judgement itself
    return case


ALLOWED = {JudgementState.STANDING: {"appeal"}, JudgementState.APPEALED: {"decide"}}


@pytest.mark.parametrize("state", list(JudgementState))
@pytest.mark.parametrize("action", ["appeal", "decide"])
def test_every_state_allows_exactly_its_actions_and_names_them(state, action):
    case = in_state(state)
    assert case.judgements[-1].state is state
    before = [(j.judgement_id, j.state) for j in case.judgements]
    attempt = {
        "appeal": lambda: case.appeal(CLERK, DELIVERY, compose_appeal(CLERK, FILLED, LIB, T0), T0),
        "decide": lambda: case.decide(REVIEWER, Review(AppealDecision.UPHELD, "r"), T0),
    }[action]
    if action in ALLOWED.get(state, set()):
        attempt()
        assert case.judgements[-1].state is not state
        return
    with pytest.raises(Conflict) as refused:
        attempt()
    assert refused.value.allowed == sorted(ALLOWED.get(state, set()))
    assert [(j.judgement_id, j.state) for j in case.judgements] == before


@pytest.mark.parametrize("state", list(JudgementState))
def test_a_judged_complaint_is_never_judged_again_directly(state):
    case = in_state(state)
    with pytest.raises(Conflict) as refused:
        case.judge(SUPERVISOR, Judging(SORTING, "c", "t"), T0)
    assert refused.value.allowed == sorted(ALLOWED.get(state, set()))
