"""The quality-control pages' forms: bodies qc takes, and what each role is offered."""

from zoneinfo import ZoneInfo

import pytest

from services.gateway.domain.callers import Caller, Role
from services.gateway.web import qc_forms as qf
from shared.errors import InvalidFields

SHANGHAI = ZoneInfo("Asia/Shanghai")


def caller(*roles: Role, username: str = "li.wei") -> Caller:
    return Caller("sub", username, "t1", frozenset(roles))


def test_the_checklist_becomes_items_met_defects_and_remarks():
    form = {"item.reply_complete": "met", "item.solution_effective": "failed",
            "defects": " no photo \n\n wrong code ", "comment": "回访确认", "csrf": "x",
            "overdue_verdict": "accepted"}  # fmt: skip

    body = qf.verdict_body(["reply_complete", "solution_effective", "customer_informed"],
                           form, overdue=False)  # fmt: skip

    # The unanswered item is left out, so that qc names it; no verdict on a timely ticket.
    assert body == {"items": {"reply_complete": True, "solution_effective": False},
                    "defects": ["no photo", "wrong code"], "comment": "回访确认"}  # fmt: skip


def test_an_overdue_ticket_sends_the_verdict_on_its_reason():
    form = {"item.a": "met", "overdue_verdict": "rejected", "overdue_note": "not credible"}

    body = qf.verdict_body(["a"], form, overdue=True)

    assert (body["overdue_verdict"], body["overdue_note"]) == ("rejected", "not credible")


def test_a_missed_call_gives_the_next_attempt_in_utc_from_the_tenants_wall_time():
    form = {"outcome": "no_answer", "next_attempt_at": "2026-05-02T09:30", "satisfaction": "5"}

    body = qf.call_body(form, SHANGHAI)

    assert body == {"outcome": "no_answer", "next_attempt_at": "2026-05-02T01:30:00+00:00"}


def test_a_missed_call_without_a_time_is_left_for_qc_to_refuse_and_a_bad_time_is_refused():
    assert qf.call_body({"outcome": "busy", "next_attempt_at": ""}, SHANGHAI) == {"outcome": "busy"}
    with pytest.raises(InvalidFields):
        qf.call_body({"outcome": "busy", "next_attempt_at": "tomorrow"}, SHANGHAI)


def test_a_reached_customer_gives_satisfaction_and_answers_but_no_next_attempt():
    form = {
        "outcome": "reached",
        "satisfaction": "4",
        "answer.resolved": "是",
        "answer.speed": "",
        "answer.unknown": "x",
        "next_attempt_at": "2026-05-02T09:30",
    }

    assert qf.call_body(form, SHANGHAI) == {
        "outcome": "reached", "satisfaction": 4, "answers": {"resolved": "是"},
    }  # fmt: skip


def test_a_judgement_and_a_decision_leave_out_what_does_not_apply():
    judging = {
        "unit": "noc",
        "category": "延误",
        "text": "未上门",
        "station": "",
        "person": "li.wei",
    }
    upheld = {"decision": "upheld", "reason": "ok", "new_unit": "ops", "new_person": "x"}
    moved = {"decision": "reassigned", "reason": "ops did it", "new_unit": "ops", "new_person": ""}

    assert qf.judging_body(judging) == {"unit": "noc", "category": "延误", "text": "未上门",
                                        "person": "li.wei", "appealable": False}  # fmt: skip
    assert qf.judging_body(judging | {"appealable": "on"})["appealable"] is True
    assert qf.decision_body(upheld) == {"decision": "upheld", "reason": "ok"}
    assert qf.decision_body(moved) == {"decision": "reassigned", "reason": "ops did it",
                                       "new_unit": "ops"}  # fmt: skip


def test_an_appeal_is_a_template_with_its_fields_or_a_category_in_own_words():
    picked = {"template_id": "late_scanning.1", "field.month": " 5 ", "field.day": "3",
              "text": "ignored: qc fills it", "category": "other"}  # fmt: skip
    own = {"template_id": "", "category": "other", "text": " 我们按时上门 "}

    assert qf.appeal_body(picked, "ru") == {
        "template_id": "late_scanning.1", "fields": {"month": "5", "day": "3"}, "language": "ru",
    }  # fmt: skip
    assert qf.appeal_body(own, "zh-CN") == {"category": "other", "text": "我们按时上门",
                                            "language": "zh-CN"}  # fmt: skip


UNITS = [{"unit_id": "noc", "name": "NOC", "members": ["li.wei"]}]


def judged(state: str, allowed: list[str], appellant: str | None = None) -> dict:
    appeal = {"appellant": appellant} if appellant else None
    return {"judgements": [{"unit": "noc", "state": state, "allowed": allowed, "appeal": appeal}]}


def test_who_is_offered_to_judge_appeal_and_decide():
    supervisor, member = caller(Role.SUPERVISOR, username="sun.li"), caller(Role.FIELD_ENGINEER)
    nothing = {"judge": False, "appeal": False, "decide": False}

    assert qf.judgement_forms(supervisor, {"judgements": []}, UNITS) == nothing | {"judge": True}
    assert qf.judgement_forms(member, {"judgements": []}, UNITS) == nothing
    assert qf.judgement_forms(member, judged("standing", ["appeal"]), UNITS) == nothing | {
        "appeal": True}  # fmt: skip
    assert qf.judgement_forms(supervisor, judged("standing", ["appeal"]), UNITS) == nothing
    appealed = judged("appealed", ["decide"], appellant="li.wei")
    assert qf.judgement_forms(supervisor, appealed, UNITS) == nothing | {"decide": True}
    # Never the appellant, and by the acting role: a group lead who inspects is no judge.
    own = judged("appealed", ["decide"], appellant="sun.li")
    assert qf.judgement_forms(supervisor, own, UNITS) == nothing
    assert qf.judgement_forms(caller(Role.GROUP_LEAD), appealed, UNITS) == nothing


def test_the_sections_follow_the_api_role_checks():
    def paths(c: Caller) -> list[str]:
        return [path for path, _ in qf.sections(c)]

    assert paths(caller(Role.INSPECTOR)) == [
        "/ui/qc/inspections", "/ui/qc/return-visits", "/ui/qc/judgements"]  # fmt: skip
    assert paths(caller(Role.GROUP_LEAD)) == ["/ui/qc/inspections", "/ui/qc/judgements"]
    assert paths(caller(Role.AGENT)) == ["/ui/qc/return-visits", "/ui/qc/judgements"]
    assert paths(caller(Role.FIELD_ENGINEER)) == ["/ui/qc/judgements"]
    assert qf.acts_as(caller(Role.INSPECTOR), qf.INSPECTORS)
    assert not qf.acts_as(caller(Role.INSPECTOR, Role.GROUP_LEAD), qf.INSPECTORS)


def test_the_appeal_window_closes_when_the_running_appeal_clock_is_due():
    running = {
        "clocks": [
            {"metric": "resolution", "state": "stopped", "due_at": "a"},
            {"metric": "appeal", "state": "running", "due_at": "2026-05-06T10:00:00Z"},
        ]
    }
    stopped = {"clocks": [{"metric": "appeal", "state": "stopped", "due_at": "x"}]}

    assert qf.appeal_closes_at(running) == "2026-05-06T10:00:00Z"
    assert qf.appeal_closes_at(stopped) is None
    assert qf.appeal_closes_at(None) is None


def test_the_calls_so_far_come_from_the_history_and_say_whether_to_call_again():
    history = [{"type": "ticket.closed"}, {"type": "qc.return_visit_attempted"},
               {"type": "qc.inspection_created"}]  # fmt: skip
    attempts = qf.visit_attempts(history)

    assert [e["type"] for e in attempts] == ["qc.return_visit_attempted"]
    assert qf.visit_open(attempts)
    assert not qf.visit_open([*attempts, {"type": "qc.return_visit_completed"}])
