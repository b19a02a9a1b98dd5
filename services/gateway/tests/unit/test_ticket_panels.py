"""What the ticket page's panels and the preferences form choose to show and send:
attachments previewed or downloaded, the SLA rows from the SLA service or the history,
portal messages apart from internal comments, and the form's fields checked one by one."""

from typing import Any
from zoneinfo import ZoneInfo

from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request

from services.gateway.web import i18n
from services.gateway.web import preferences_http as prefs
from services.gateway.web import ticket_panels as panels
from services.gateway.web.render import environment, page

AT = "2026-03-02T01:00:00+00:00"


def entry(kind: str, role: str = "agent", **details: object) -> dict:
    return {"at": AT, "type": kind, "actor": {"id": f"{role}.1", "role": role},
            "details": details}  # fmt: skip


def test_images_are_previewed_and_other_files_are_downloads_with_their_size():
    ticket = {"ticket_id": "t-1", "attachments": [
        {"attachment_id": "a-1", "filename": "光缆.png", "size": 2_400_000,
         "content_type": "image/png"},
        {"attachment_id": "a-2", "filename": "plan.svg", "size": 512,
         "content_type": "image/svg+xml"},
        {"attachment_id": "a-3", "filename": "act.pdf", "size": 1_250,
         "content_type": "application/pdf"},
    ]}  # fmt: skip

    rows = panels.attachment_rows(ticket, "ru")

    assert [(r["url"], r["preview"]) for r in rows] == [
        ("/ui/tickets/t-1/attachments/a-1", True),
        ("/ui/tickets/t-1/attachments/a-2", False),  # SVG may carry scripts
        ("/ui/tickets/t-1/attachments/a-3", False),
    ]
    assert [r["size"] for r in rows] == ["2,4 МБ", "512 Б", "1,2 кБ"]
    assert panels.human_size(2_400_000, "en") == "2.4 MB"
    assert panels.human_size(153, "en") == "153B"


def test_an_image_is_inline_and_anything_else_a_download_named_in_utf8():
    assert panels.disposition("光缆.png", True) == "inline; filename*=UTF-8''%E5%85%89%E7%BC%86.png"
    assert panels.disposition("a b.pdf", False) == "attachment; filename*=UTF-8''a%20b.pdf"


def test_portal_messages_both_ways_and_replies_apart_from_internal_comments():
    history = [
        entry("ticket.commented", "requester", body="还是不能上网", visibility="portal"),
        entry("ticket.commented", "agent", body="call the ONU vendor", visibility="internal"),
        entry("ticket.commented", "agent", body="师傅下午到", visibility="portal"),
        entry("ticket.customer_replied", "requester", message="好了,谢谢"),
        entry("ticket.assigned"),
    ]

    said = panels.portal_messages(history)

    assert [(m["body"], m["from_customer"]) for m in said] == [
        ("还是不能上网", True), ("师傅下午到", False), ("好了,谢谢", True),
    ]  # fmt: skip
    assert [c["body"] for c in panels.internal_comments(history, staff=True)] == [
        "call the ONU vendor"
    ]
    assert panels.internal_comments(history, staff=False) == []


def test_each_clock_says_its_target_due_pauses_warnings_and_whether_it_was_met():
    timeline = {"clocks": [
        {"metric": "response", "state": "stopped", "stop_reason": "accepted",
         "target_seconds": 1800, "due_at": AT, "breach": None, "pauses": [], "warnings": []},
        {"metric": "resolution", "state": "paused", "target_seconds": 30600, "due_at": None,
         "breach": None, "warnings": [{"threshold": 80, "fired_at": AT, "elapsed_seconds": 9}],
         "pauses": [{"status": "on_hold", "start": AT, "end": None, "business_seconds": 60}]},
        {"metric": "transfer", "state": "stopped", "stop_reason": "transferred",
         "target_seconds": 600, "due_at": AT, "pauses": [], "warnings": [],
         "breach": {"fired_at": AT, "due_at": AT, "elapsed_seconds": 700}},
        {"metric": "inspection", "state": "stopped", "stop_reason": "closed",
         "target_seconds": 600, "due_at": AT, "breach": None},
    ]}  # fmt: skip

    rows = {r["metric"]: r for r in panels.sla_rows(timeline)}

    assert {m: r["outcome"] for m, r in rows.items()} == {
        "response": "met", "resolution": "paused", "transfer": "breached", "inspection": "ended",
    }  # fmt: skip
    assert rows["resolution"]["pauses"] == [{"status": "on_hold", "start": AT, "end": None}]
    assert rows["resolution"]["warnings"] == [{"at": AT, "percent": 80}]
    assert rows["transfer"]["breach_at"] == AT
    assert panels.duration(rows["resolution"]["target_seconds"]) == (8, 30, 0)
    assert panels.duration(2) == (0, 0, 2)
    assert panels.duration(None) is None


def sla_panel(target_seconds: int, tag: str) -> str:
    row = {"metric": "response", "outcome": "running", "target_seconds": target_seconds,
           "due_at": None, "pauses": [], "warnings": [], "breach_at": None}  # fmt: skip
    shown = {"panels": {"sla": {"rows": [row], "from_history": False}, "duration": panels.duration,
                        "metric_labels": panels.METRIC_LABELS,
                        "outcome_labels": panels.OUTCOME_LABELS}}  # fmt: skip
    lang = i18n.language(i18n.load_catalogs(), tag, ZoneInfo("Asia/Shanghai"))
    request = Request(
        {"type": "http", "path": "/ui/tickets/t-1", "query_string": b"", "headers": []}
    )
    return bytes(page(environment(), request, "_sla.html", lang, shown).body).decode()


def test_a_target_shows_its_seconds_only_when_it_has_some():
    assert "0 h 00 min 02 s" in sla_panel(2, "en")
    assert "0 小时 00 分 02 秒" in sla_panel(2, "zh-CN")
    assert "8 ч 30 мин<" in sla_panel(30600, "ru")


def test_without_the_sla_service_the_history_says_what_fired():
    ticket = {"breached_response": True, "history": [
        {"at": AT, "type": "sla.warning", "details": {
            "metric": "resolution", "threshold_percent": 80, "target_seconds": 3600,
            "due_at": "2026-03-02T02:00:00+00:00", "elapsed_seconds": 2880, "policy_id": "p"}},
        {"at": AT, "type": "sla.breached", "details": {
            "metric": "response", "target_seconds": 600, "due_at": AT, "policy_id": "p"}},
    ]}  # fmt: skip

    rows = {r["metric"]: r for r in panels.sla_rows_from_history(ticket)}

    assert rows["resolution"]["outcome"] == "unknown"
    assert rows["resolution"]["due_at"] == "2026-03-02T02:00:00+00:00"
    assert rows["resolution"]["warnings"] == [{"at": AT, "percent": 80}]
    assert (rows["response"]["outcome"], rows["response"]["breach_at"]) == ("breached", AT)


KINDS = ["ticket_assigned", "ticket_urged", "status_changed"]


def form(**values: str | list[str]) -> FormData:
    items: list[tuple[str, str | UploadFile]] = []
    for name, value in values.items():
        name = name.replace("__", ".")
        for one in value if isinstance(value, list) else [value]:
            items.append((name, one))
    return FormData(items)


def test_the_form_becomes_the_preferences_body_with_only_the_own_choices():
    checked = prefs.checked_form(form(
        language="ru", time_zone="Europe/Moscow", quiet_start="22:00", quiet_end="07:00",
        mode__ticket_assigned="own", channel__ticket_assigned=["sms", "in_app"],
        mode__ticket_urged="own", mode__status_changed="default",
        channel__status_changed="email", phone="+8613900000000", supervisor="on",
    ), KINDS)  # fmt: skip

    assert checked.errors == {}
    assert checked.body == {
        "language": "ru", "time_zone": "Europe/Moscow",
        "quiet_hours": {"start": "22:00:00", "end": "07:00:00"},
        "channels": {"ticket_assigned": ["in_app", "sms"], "ticket_urged": []},
    }  # fmt: skip
    blank = prefs.checked_form(form(language="", time_zone=""), KINDS)
    assert blank.body == {"language": None, "time_zone": None, "quiet_hours": None,
                          "channels": {}}  # fmt: skip


def test_each_field_says_what_is_wrong_with_it():
    checked = prefs.checked_form(form(
        language="fr", time_zone="Mars/Olympus", quiet_start="22:00",
        mode__ticket_urged="own", channel__ticket_urged="pigeon",
    ), KINDS)  # fmt: skip

    assert checked.errors == {
        "language": prefs.BAD_LANGUAGE, "time_zone": prefs.BAD_ZONE,
        "quiet_hours": prefs.BOTH_OR_NEITHER, "channels.ticket_urged": prefs.BAD_CHANNEL,
    }  # fmt: skip
    same = prefs.checked_form(form(quiet_start="08:00", quiet_end="08:00"), KINDS)
    assert same.errors == {"quiet_hours": prefs.SAME_TIMES}
    garbled = prefs.checked_form(form(quiet_start="8 pm", quiet_end="07:00"), KINDS)
    assert garbled.errors == {"quiet_hours": prefs.BAD_TIME}


def test_notify_refusals_land_next_to_their_fields():
    body = (b'{"detail": [{"field": "quiet_hours.start", "reason": "bad time"},'
            b' {"field": "channels.ticket_urged.0", "reason": "sms, email or in_app"},'
            b' {"field": "channels.bogus", "reason": "not a kind"}]}')  # fmt: skip

    assert prefs.refused_fields(body) == {
        "quiet_hours": "bad time", "channels": "sms, email or in_app",
        "channels.bogus": "not a kind",
    }  # fmt: skip
    assert prefs.refused_fields(b'{"detail": {"message": "no"}}') == {"form": "{'message': 'no'}"}


def test_the_form_lists_the_tenants_kinds_and_shows_what_is_stored():
    stored: dict[str, Any] = {
        "language": "ru", "time_zone": None,
        "quiet_hours": {"start": "22:00:00", "end": "07:00:00"}, "channels": {"ticket_urged": []},
        "tenant": {"channels": {"zzz_new_kind": ["email"], "ticket_assigned": ["sms"],
                                "ticket_urged": ["sms"]}},
    }  # fmt: skip

    assert prefs.kinds_of(stored) == ["ticket_assigned", "ticket_urged", "zzz_new_kind"]
    assert prefs.shown(stored, None) == {
        "language": "ru", "time_zone": "", "quiet_start": "22:00", "quiet_end": "07:00",
        "own": {"ticket_urged": []},
    }  # fmt: skip
    again = prefs.shown(stored, form(language="en", mode__ticket_assigned="own",
                                     channel__ticket_assigned="email"))  # fmt: skip
    assert (again["language"], again["own"]) == ("en", {"ticket_assigned": ["email"]})
