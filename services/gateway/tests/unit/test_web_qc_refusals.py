"""The quality-control pages after qc refused a form: every value typed is filled in
again and qc's reason shows next to the field it names; and a dissatisfied return visit's
follow-up ticket (offered, waited for, then linked)."""

import json
from zoneinfo import ZoneInfo

from fastapi import Request

from services.gateway.domain.callers import Caller, Role
from services.gateway.domain.search import document_tokens
from services.gateway.web import i18n
from services.gateway.web import qc_forms as qf
from services.gateway.web.render import environment, page

SHANGHAI = ZoneInfo("Asia/Shanghai")
TICKET = "0f3c2b9a8d7e4f6a9b1c2d3e4f5a6b7c"  # intake's ids: uuid4 hex


def unprocessable(*fields: tuple[str, str]) -> bytes:
    return json.dumps({"detail": [{"field": f, "reason": r} for f, r in fields]}).encode()


def test_a_field_qc_names_is_the_input_it_was_typed_into():
    assert qf.input_name("items.solution_effective") == "item.solution_effective"
    assert qf.input_name("fields.month") == "field.month"
    assert qf.input_name("answers.speed") == "answer.speed"
    assert qf.input_name("next_attempt_at") == "next_attempt_at"
    assert qf.input_name("overdue_verdict") == "overdue_verdict"


def test_a_422_names_its_fields_and_other_refusals_name_none():
    body = unprocessable(("items.solution_effective", "is not answered"), ("comment", "too long"))

    assert qf.named_fields(body) == {
        "item.solution_effective": "is not answered", "comment": "too long",
    }  # fmt: skip
    conflict = json.dumps({"detail": {"message": "submitted already", "allowed": []}}).encode()
    assert qf.named_fields(conflict) == {}
    assert qf.named_fields(b"<html>bad gateway</html>") == {}
    assert qf.named_fields(json.dumps({"detail": [{"reason": "no field"}]}).encode()) == {}


def test_the_refusal_keeps_every_value_posted_but_the_csrf_token():
    form = {"csrf": "secret", "item.a": "met", "defects": "no photo\nwrong code",
            "comment": "客户反映", "overdue_verdict": "rejected", "overdue_note": ""}  # fmt: skip

    refusal = qf.refusal("checklist", 422, "item.b: missing", {"item.b": "missing"}, form)

    assert refusal == {
        "form": "checklist", "status": 422, "message": "item.b: missing",
        "fields": {"item.b": "missing"},
        "kept": {"item.a": "met", "defects": "no photo\nwrong code", "comment": "客户反映",
                 "overdue_verdict": "rejected", "overdue_note": ""},
    }  # fmt: skip


def _render(template: str, path: str, **values: object) -> str:
    lang = i18n.language(i18n.load_catalogs(), "en", SHANGHAI)
    request = Request({"type": "http", "path": path, "query_string": b"", "headers": []})
    who = Caller("u-1", "insp", "acme", frozenset({Role.INSPECTOR}))
    own = {"caller": who, "staff": True, "csrf": "x", "sections": []}
    return bytes(page(environment(), request, template, lang, own | values).body).decode()


ITEMS = [{"key": "a", "label": "A", "weight": 50}, {"key": "b", "label": "B", "weight": 50}]
CHOSEN = {"ticket_id": TICKET, "number": "TS-1", "state": "open", "overdue": True}


def _inspection(refusal: dict | None) -> str:
    return _render(
        "qc_inspections.html", "/ui/qc/inspections", queue=[], inspected=[], chosen=CHOSEN,
        items=ITEMS, may_inspect=True, states=qf.INSPECTION_STATES, ticket=TICKET,
        refusal=refusal,
    )  # fmt: skip


def test_the_refused_checklist_is_filled_again_with_the_reason_next_to_the_item():
    form = {"item.a": "failed", "defects": "无照片", "comment": "<b>late</b>",
            "overdue_verdict": "rejected", "overdue_note": "not credible"}  # fmt: skip
    refusal = qf.refusal("checklist", 422, "item.b: missing", {"item.b": "is missing"}, form)

    html = _inspection(refusal)

    assert 'name="item.a" value="failed" aria-label="Not met" checked' in html
    assert 'name="item.a" value="met" aria-label="Met">' in html
    assert 'name="item.b" value="met" aria-label="Met">' in html
    assert '<textarea name="defects">无照片</textarea>' in html
    assert '<textarea name="comment">&lt;b&gt;late&lt;/b&gt;</textarea>' in html  # escaped
    assert '<option value="rejected" selected>' in html
    assert '<textarea name="overdue_note">not credible</textarea>' in html
    assert '<tr data-item="b" aria-invalid="true">' in html
    assert 'data-field="item.b">is missing</small>' in html
    assert "Refused (422): item.b: missing" in html


def test_a_checklist_not_refused_is_empty():
    html = _inspection(None)

    assert " checked" not in html
    assert " selected" not in html
    assert '<textarea name="comment"></textarea>' in html
    assert "field-refusal" not in html


VISIT = {"ticket_id": TICKET, "number": "TS-1", "subject": "投诉", "history": []}


def _visits(attempts: list, refusal: dict | None = None, **values: object) -> str:
    return _render(
        "qc_visits.html", "/ui/qc/return-visits", due=[], chosen=VISIT, attempts=attempts,
        open=qf.visit_open(attempts), may_call=True, missed=qf.MISSED, survey=qf.SURVEY,
        visit_events=qf.VISIT_EVENTS, zone="Asia/Shanghai", ticket=TICKET, done="",
        refusal=refusal, visit_id=TICKET, visit_done="",
        follow_up_state=qf.follow_up_state(attempts, values.get("follow_up"), ""),  # type: ignore[arg-type]
        **values,
    )  # fmt: skip


def test_a_refused_missed_call_keeps_its_outcome_and_time_and_leaves_the_other_form_alone():
    form = {"outcome": "busy", "next_attempt_at": "2026-05-02T09:30"}
    named = {"next_attempt_at": "is in the past"}
    html = _visits([], qf.refusal("missed", 422, "next_attempt_at: is in the past", named, form))

    missed = html[html.index('data-form="missed"') :]
    reached = html[html.index('data-form="reached"') : html.index('data-form="missed"')]
    assert '<option value="busy" selected>' in missed
    assert 'name="next_attempt_at" value="2026-05-02T09:30"' in missed
    assert 'data-field="next_attempt_at">is in the past</small>' in missed
    assert " selected" not in reached
    assert "refusal" not in reached


def test_a_refused_reached_call_keeps_the_satisfaction_and_answers():
    form = {"outcome": "reached", "satisfaction": "2", "answer.resolved": "否"}
    html = _visits([], qf.refusal("reached", 409, "completed already", {}, form))

    assert '<option value="2" selected>2</option>' in html
    assert 'name="answer.resolved" value="否"' in html
    assert "Refused (409): completed already" in html


COMPLETED = {
    "type": "qc.return_visit_completed", "at": "2026-05-01T02:00:00Z", "actor": {"id": "agent"},
    "details": {"satisfaction": 1, "dissatisfied": True},
}  # fmt: skip
SATISFIED = COMPLETED | {"details": {"satisfaction": 4, "dissatisfied": False}}
ATTEMPTED = {"type": "qc.return_visit_attempted", "details": {"outcome": "busy"}}


def test_the_follow_up_is_offered_waited_for_then_linked():
    linked = {"ticket_id": "f-1"}

    assert qf.dissatisfied([ATTEMPTED, COMPLETED])
    assert not qf.dissatisfied([ATTEMPTED])
    assert not qf.dissatisfied([SATISFIED])
    assert qf.follow_up_state([COMPLETED], None, "") == "offer"
    assert qf.follow_up_state([COMPLETED], None, "follow_up") == "waiting"
    assert qf.follow_up_state([COMPLETED], linked, "follow_up") == "linked"
    assert qf.follow_up_state([SATISFIED], None, "") == ""
    # A call just recorded: the read model may not have it yet.
    assert qf.follow_up_state([ATTEMPTED], None, "reached") == "waiting"
    assert qf.follow_up_state([SATISFIED], None, "reached") == ""
    assert qf.follow_up_state([ATTEMPTED], None, "no_answer") == ""


def test_the_follow_up_ticket_is_found_by_its_external_ref_among_the_keyword_hits():
    follow_up = {"ticket_id": "f-1", "related_to": TICKET, "external_ref": f"{TICKET}:follow-up"}
    other = {"ticket_id": "o-1", "related_to": TICKET, "external_ref": "TS-1-reply-1"}
    mention = {"ticket_id": "m-1", "related_to": None, "external_ref": f"{TICKET}:follow-up"}

    assert qf.follow_up_of([other, mention, follow_up], TICKET) == follow_up
    assert qf.follow_up_of([other, mention], TICKET) is None
    # The filter's tokens are all among those the follow-up ticket is found by.
    tokens = qf.follow_up_filter("acme", TICKET).tokens
    assert tokens
    assert set(tokens) <= set(document_tokens([f"{TICKET}:follow-up"]))
    assert not set(tokens) <= set(document_tokens(["9" * 32 + ":follow-up"]))


def test_a_dissatisfied_visit_offers_the_follow_up_and_keeps_a_refused_description():
    offered = _visits([COMPLETED])
    refused = _visits(
        [COMPLETED], qf.refusal("follow_up", 409, "asked already", {}, {"description": "再查"})
    )
    linked = _visits([COMPLETED], follow_up={"ticket_id": "f-1", "number": "TS-2"})

    assert f'action="/ui/qc/return-visits/{TICKET}/follow-up" data-form="follow_up"' in offered
    assert '<textarea name="description" required></textarea>' in offered
    assert '<textarea name="description" required>再查</textarea>' in refused
    assert "Refused (409): asked already" in refused
    assert 'data-form="follow_up"' not in linked
    assert '<a href="/ui/tickets/f-1" data-ticket="f-1">TS-2</a>' in linked
    assert 'data-form="follow_up"' not in _visits([SATISFIED])


def test_the_follow_up_waits_on_the_live_feed_until_its_ticket_is_registered():
    html = _render(
        "_qc_follow_up.html", "/ui/qc/return-visits/x/follow-up", follow_up=None,
        follow_up_state="waiting", visit_id=TICKET, visit_done="follow_up", may_call=True,
    )  # fmt: skip

    assert f'hx-get="/ui/qc/return-visits/{TICKET}/follow-up?done=follow_up"' in html
    assert 'hx-trigger="sse:ticket"' in html
    assert "being opened" in html


UNITS = [{"unit_id": "noc", "name": "NOC", "members": ["li.wei"]},
         {"unit_id": "ops", "name": "Ops", "members": []}]  # fmt: skip
LIBRARY = {"categories": [{"category_id": "delay", "name": "Delay"}],
           "templates": [{"template_id": "delay.1", "category": "delay",
                          "text": "On {month}/{day}", "fields": ["month", "day"]}]}  # fmt: skip


def _judgements(forms: dict, refusal: dict) -> str:
    return _render(
        "qc_judgements.html", "/ui/qc/judgements", judged=[], state="appealed", states=qf.STATES,
        reader=False, to_judge=[], decisions=qf.DECISIONS, case={"judgements": []},
        units=UNITS, forms=forms, library=LIBRARY, closes_at=None, ticket=TICKET,
        ticket_view={"number": "TS-1", "subject": "s"}, done="", refusal=refusal,
    )  # fmt: skip


NO_FORMS = {"judge": False, "appeal": False, "decide": False}


def test_a_refused_judgement_keeps_unit_texts_and_the_unchecked_box():
    form = {"unit": "ops", "station": "S-9", "person": "li.wei", "category": "延误",
            "text": "未上门"}  # fmt: skip
    html = _judgements(NO_FORMS | {"judge": True}, qf.refusal("judge", 422, "unit", {}, form))

    assert '<option value="ops" selected>Ops</option>' in html
    assert 'name="station" value="S-9"' in html
    assert 'name="person" value="li.wei"' in html
    assert 'name="category" value="延误"' in html
    assert '<textarea name="text" required>未上门</textarea>' in html
    assert '<input type="checkbox" name="appealable">' in html  # it was left unchecked


def test_a_refused_appeal_picks_its_template_again_and_hands_the_fields_to_the_script():
    form = {"template_id": "delay.1", "field.month": "5", "field.day": "", "category": "other"}
    named = {"field.day": "is empty"}
    html = _judgements(NO_FORMS | {"appeal": True}, qf.refusal("appeal", 422, "x", named, form))

    assert '<option value="delay.1" selected>' in html
    start = html.index('id="appeal-kept">') + len('id="appeal-kept">')
    kept = json.loads(html[start : html.index("</script>", start)])
    assert kept["kept"]["field.month"] == "5"
    assert kept["fields"] == {"field.day": "is empty"}


def test_a_refused_decision_keeps_the_reassignment():
    form = {"decision": "reassigned", "reason": "ops did it", "new_unit": "ops",
            "new_person": "wang"}  # fmt: skip
    html = _judgements(NO_FORMS | {"decide": True}, qf.refusal("decide", 409, "x", {}, form))

    assert '<option value="reassigned" selected>' in html
    assert '<textarea name="reason" required>ops did it</textarea>' in html
    assert 'name="new_unit"><option value=""></option><option value="noc">NOC</option>' \
        '<option value="ops" selected>Ops</option>' in html  # fmt: skip
    assert 'name="new_person" value="wang"' in html


def test_a_refusal_whose_form_is_no_longer_offered_is_still_shown():
    html = _judgements(NO_FORMS, qf.refusal("decide", 409, "decided already", {}, {}))

    assert "Refused (409): decided already" in html
