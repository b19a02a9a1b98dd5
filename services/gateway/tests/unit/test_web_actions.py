"""The ticket page's command forms: which form of each command the ticket and the visitor
get, and the body (and path) dispatch is sent, in the shapes its schemas take."""

from zoneinfo import ZoneInfo

import pytest

from services.gateway.entrypoints.schemas import TicketCommand
from services.gateway.web.actions import (
    ACTIONS,
    ESCALATION_LABELS,
    Situation,
    body_for,
    local_to_utc,
    offered,
    path_for,
    people,
    situation,
)
from shared.errors import InvalidFields
from shared.events.dispatch import EscalationReason

SHANGHAI = ZoneInfo("Asia/Shanghai")
STAFF = Situation(staff=True)
REQUESTER = Situation(staff=False)


def names(allowed: list[str], s: Situation, shown: str | None = None) -> list[str]:
    return [a.key for a in offered(allowed, s, shown)]


def test_an_on_site_ticket_is_accepted_with_an_appointment_else_signed_off():
    assert names(["accept", "start"], Situation(onsite=True)) == ["accept_onsite", "start"]
    assert names(["accept", "start"], Situation(onsite=False)) == ["accept", "start"]
    onsite = ACTIONS["accept_onsite"]
    assert [(f.name, f.kind, f.required) for f in onsite.fields] == [
        ("appointment.starts_at", "datetime", True), ("appointment.ends_at", "datetime", True),
    ]  # fmt: skip


def test_the_appointment_is_sent_as_an_aware_utc_window_from_the_tenants_wall_time():
    form = {"appointment.starts_at": "2026-03-02T09:00", "appointment.ends_at": "2026-03-02T11:30"}

    body = body_for(ACTIONS["accept_onsite"], form, SHANGHAI)

    assert body == {"appointment": {
        "starts_at": "2026-03-02T01:00:00+00:00", "ends_at": "2026-03-02T03:30:00+00:00",
    }}  # fmt: skip
    assert body_for(ACTIONS["accept"], {"csrf": "x"}, SHANGHAI) == {}


def test_a_wall_time_in_a_dst_zone_and_an_explicit_offset_are_converted_exactly():
    berlin = ZoneInfo("Europe/Berlin")
    assert local_to_utc("f", "2026-07-01T12:00", berlin) == "2026-07-01T10:00:00+00:00"
    assert local_to_utc("f", "2026-01-01T12:00", berlin) == "2026-01-01T11:00:00+00:00"
    assert local_to_utc("f", "2026-01-01T12:00+03:00", berlin) == "2026-01-01T09:00:00+00:00"


def test_a_value_that_is_no_date_is_a_422_naming_the_field():
    with pytest.raises(InvalidFields) as refused:
        body_for(ACTIONS["request_extension"], {"until": "next tuesday", "reason": "x"})

    assert refused.value.errors == {"until": "'next tuesday' is not a date and time"}


def test_an_overdue_ticket_is_resolved_only_with_the_overdue_reason():
    on_time = offered(["resolve"], Situation(overdue=False))
    overdue = offered(["resolve"], Situation(overdue=True))

    assert [a.key for a in on_time] == ["resolve"]
    assert "overdue_reason" not in {f.name for f in on_time[0].fields}
    [form] = overdue
    assert (form.key, form.command, form.path) == ("resolve_overdue", "resolve", "resolve")
    reason = next(f for f in form.fields if f.name == "overdue_reason")
    assert reason.required
    posted = {"cause": "fibre cut", "solution": "spliced", "closure_code": "fixed",
              "overdue_reason": "storm damage, road closed"}  # fmt: skip
    assert body_for(form, posted) == posted


def test_overdue_comes_from_the_ticket_views_sla_state_or_dispatch():
    plain = {"needs_onsite": True, "watchers": ["li.wei"], "tags": ["fibre"]}

    assert situation(True, "li.wei", {"overdue": True}, plain) == Situation(
        staff=True, onsite=True, overdue=True, watching=True, tags=("fibre",)
    )
    assert situation(True, "zhang.san", {}, {"overdue": True}).overdue
    assert situation(False, "c", {}, {}) == Situation(staff=False)


def test_transfer_goes_to_exactly_one_person_with_a_required_reason():
    transfer = ACTIONS["transfer"]

    assert [(f.name, f.required) for f in transfer.fields] == [
        ("to_assignee", True), ("reason", True),
    ]  # fmt: skip
    body = body_for(transfer, {"to_assignee": " zhang.san ", "reason": "he is on site"})
    assert body == {"to_assignee": "zhang.san", "reason": "he is on site"}
    # Back to the centre is the same path without a person.
    back = ACTIONS["return_to_centre"]
    assert (back.path, body_for(back, {"reason": "wrong area"})) == (
        "transfer", {"reason": "wrong area"},
    )  # fmt: skip


def test_share_sends_a_list_of_usernames():
    assert people("zhang.san, wang.wu，li.na、 zhang.san\nzhao.liu") == [
        "zhang.san", "wang.wu", "li.na", "zhao.liu",
    ]  # fmt: skip
    body = body_for(ACTIONS["share"], {"shared_with": "zhang.san, wang.wu", "note": ""})
    assert body == {"shared_with": ["zhang.san", "wang.wu"]}


def test_untag_and_watch_use_the_gateways_paths_and_methods():
    untag = ACTIONS["untag"]

    assert (untag.method, path_for(untag, {"tag": "光缆 cut/2"})) == (
        "DELETE", "tags/%E5%85%89%E7%BC%86%20cut%2F2",
    )  # fmt: skip
    assert body_for(untag, {"tag": "fibre"}) == {}
    with pytest.raises(InvalidFields):
        path_for(untag, {"tag": " "})
    assert (ACTIONS["watch"].method, ACTIONS["watch"].path) == ("PUT", "watchers/me")
    assert (ACTIONS["unwatch"].method, ACTIONS["unwatch"].path) == ("DELETE", "watchers/me")
    assert body_for(ACTIONS["tag"], {"tag": "fibre"}) == {"tag": "fibre"}


def test_watch_or_unwatch_and_the_tags_to_remove_follow_the_ticket():
    allowed = ["tag", "untag", "watch", "unwatch"]

    assert names(allowed, Situation(watching=False)) == ["tag", "watch"]
    watched = offered(allowed, Situation(watching=True, tags=("fibre", "vip")))
    assert [a.key for a in watched] == ["tag", "untag", "unwatch"]
    assert watched[1].fields[0].choices == (("fibre", "fibre"), ("vip", "vip"))


def test_escalation_reasons_are_dispatchs_list_and_the_requester_names_nobody():
    staff = ACTIONS["escalate"]
    reason = staff.fields[0]

    assert [v for v, _ in reason.choices] == [r.value for r in EscalationReason]
    assert set(ESCALATION_LABELS) == set(EscalationReason)
    assert (reason.required, reason.kind) == (True, "select")
    assert {f.name for f in staff.fields} == {"reason", "assignee", "group", "note"}
    customer = offered(["escalate"], REQUESTER)
    assert [(a.key, a.command) for a in customer] == [("escalate_customer", "escalate")]
    assert {f.name for f in customer[0].fields} == {"reason", "note"}
    assert names(["escalate"], STAFF) == ["escalate"]


def test_the_requester_gets_only_the_customers_commands():
    allowed = ["start", "comment", "confirm", "cancel", "urge", "escalate", "portal_message",
               "customer_reply", "tag", "resolve"]  # fmt: skip

    assert names(allowed, REQUESTER) == [
        "urge", "escalate_customer", "customer_reply_customer", "portal_message_customer",
        "confirm", "cancel",
    ]  # fmt: skip
    assert "portal_message_customer" not in names(allowed, STAFF)


def test_a_refused_form_is_shown_even_if_its_command_is_no_longer_allowed():
    assert names(["start"], Situation()) == ["start"]
    assert names(["start"], Situation(), "resolve_overdue") == ["start", "resolve_overdue"]


def test_a_change_has_aware_planned_times_and_one_of_the_risks():
    change = ACTIONS["submit_change"]
    form = {"title": "swap the splitter", "description": "d", "risk": "low",
            "planned_start": "2026-03-02T22:00", "planned_end": "2026-03-03T02:00",
            "rollback_plan": "put the old one back"}  # fmt: skip

    body = body_for(change, form, SHANGHAI)

    assert (body["planned_start"], body["planned_end"]) == (
        "2026-03-02T14:00:00+00:00", "2026-03-02T18:00:00+00:00",
    )  # fmt: skip
    risk = next(f for f in change.fields if f.name == "risk")
    assert [v for v, _ in risk.choices] == ["low", "medium", "high"]


def test_every_form_posts_to_a_path_the_gateway_forwards():
    routes = {c.value for c in TicketCommand} | {"tags/{tag}", "watchers/me"}

    assert {a.path for a in ACTIONS.values()} <= routes
    assert all(a.method == "POST" or a.path in ("tags/{tag}", "watchers/me")
               for a in ACTIONS.values())  # fmt: skip
