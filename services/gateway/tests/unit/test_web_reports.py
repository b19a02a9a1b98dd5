"""The reports page without a server: the period picker read from a query string (presets,
dates in the tenant's zone, a clear message per field it cannot use), the report's rows
shaped into the charts (every period, pies, the busiest bars, SLA per metric), and the
page rendered from them in each language."""

import re
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from starlette.requests import Request

from services.gateway.adapters import reports as mongo_reports
from services.gateway.domain.callers import Caller, Role
from services.gateway.domain.reports import Dimension, report_row
from services.gateway.web import i18n, report_page
from services.gateway.web.render import STATUS_LABELS, environment, page
from services.gateway.web.report_page import (
    BREAKDOWNS,
    GRANULARITIES,
    HANDLING_TIMES,
    Period,
    PeriodForm,
    busiest,
    export_dimension,
    hours_minutes,
    key_label,
    over_time,
    period_keys,
    presets,
    read_period,
    report_view,
    share_chart,
    sla_chart,
    sla_rows,
    trend_chart,
)
from shared.errors import InvalidFields

SHANGHAI = ZoneInfo("Asia/Shanghai")
UTC_ZONE = ZoneInfo("UTC")
TODAY = date(2026, 3, 15)


def english(message: str, **values: object) -> str:
    return message % values if values else message


def row(key: str, opened: int, resolved: int = 0, canceled: int = 0, **sums: int) -> dict:
    return report_row({"key": key, "opened": opened, "resolved": resolved,
                       "canceled": canceled, **sums})  # fmt: skip


# The period picker.


def test_no_dates_is_the_last_30_days_per_day_ending_today():
    form = read_period({}, TODAY, SHANGHAI)

    assert form.period == Period(date(2026, 2, 14), TODAY, Dimension.DAY)
    assert (form.start, form.end, form.problems) == ("2026-02-14", "2026-03-15", {})


def test_the_presets_end_today_or_on_last_months_last_day():
    found = {p.key: (p.first, p.last) for p in presets(TODAY)}

    assert found == {
        "last-7-days": (date(2026, 3, 9), TODAY),
        "last-30-days": (date(2026, 2, 14), TODAY),
        "this-month": (date(2026, 3, 1), TODAY),
        "last-month": (date(2026, 2, 1), date(2026, 2, 28)),
        "this-year": (date(2026, 1, 1), TODAY),
    }
    january = {p.key: (p.first, p.last) for p in presets(date(2026, 1, 3))}
    assert january["last-month"] == (date(2025, 12, 1), date(2025, 12, 31))


def test_a_preset_is_current_when_the_form_names_its_days():
    form = read_period({"from": "2026-03-01", "to": "2026-03-15", "by": "week"}, TODAY, SHANGHAI)

    assert [p.key for p in presets(TODAY) if form.matches(p)] == ["this-month"]
    assert form.period is not None
    assert form.period.by is Dimension.WEEK
    assert "by=week" in presets(TODAY)[0].period(form.period.by).query()


def test_the_days_are_the_tenants_whole_days_in_utc():
    period = read_period({"from": "2026-03-01", "to": "2026-03-02"}, TODAY, SHANGHAI).period

    assert period is not None
    assert period.bounds(SHANGHAI) == (
        datetime(2026, 2, 28, 16, tzinfo=UTC), datetime(2026, 3, 2, 16, tzinfo=UTC),
    )  # fmt: skip
    assert period.query(of="status") == "from=2026-03-01&to=2026-03-02&by=day&of=status"


@pytest.mark.parametrize("by", ["", "region", "hour", "DAY"])
def test_a_granularity_the_picker_does_not_offer_is_a_day(by):
    form = read_period({"from": "2026-03-01", "to": "2026-03-02", "by": by}, TODAY, SHANGHAI)

    assert form.by is Dimension.DAY
    assert set(GRANULARITIES) == {"day", "week", "month"}


@pytest.mark.parametrize(
    ("start", "end", "field", "message"),
    [
        ("2026-03-10", "2026-03-01", "to", "The end is before the start."),
        ("2025-01-01", "2026-03-01", "to", "At most %(days)s days at a time."),
        ("2026-13-01", "2026-03-01", "from", "There is no such day."),
        ("2026-02-30", "2026-03-01", "from", "There is no such day."),
        ("yesterday", "2026-03-01", "from", "Not a date: write it as YYYY-MM-DD."),
        ("20260301", "2026-03-02", "from", "Not a date: write it as YYYY-MM-DD."),
        ("2026-W10-1", "2026-03-02", "from", "Not a date: write it as YYYY-MM-DD."),
        ("２０２６-03-01", "2026-03-02", "from", "Not a date: write it as YYYY-MM-DD."),
        ("2026-03-01", "", "to", "Enter a date."),
        ("", "2026-03-01", "from", "Enter a date."),
        ("2026-03-01", "9999-12-31", "to", "Pick a day from %(earliest)s to %(latest)s."),
        ("0001-01-01", "2026-03-01", "from", "Pick a day from %(earliest)s to %(latest)s."),
    ],
)
def test_a_field_the_report_cannot_use_says_why_and_nothing_is_counted(start, end, field, message):
    form = read_period({"from": start, "to": end}, TODAY, SHANGHAI)

    assert form.period is None
    assert form.problems[field].message == message
    assert (form.start, form.end) == (start, end)  # shown again as typed


def test_both_dates_wrong_says_so_next_to_each():
    form = read_period({"from": "soon", "to": "2026-02-31"}, TODAY, SHANGHAI)

    assert set(form.problems) == {"from", "to"}
    assert form.problems["to"].said(english) == "There is no such day."


def test_a_year_is_the_longest_report_as_the_api_counts_it():
    whole = read_period({"from": "2024-01-01", "to": "2024-12-31"}, TODAY, SHANGHAI)  # 366 days
    longer = read_period({"from": "2024-01-01", "to": "2025-01-01"}, TODAY, SHANGHAI)

    assert whole.period is not None
    assert longer.problems["to"].said(english) == "At most 366 days at a time."
    # In a zone with summer time, 366 local days with an autumn (and no spring) change of
    # the clocks are an hour longer than the API allows: refused here, not by the API.
    paris = ZoneInfo("Europe/Paris")
    autumn = read_period({"from": "2023-03-27", "to": "2024-03-26"}, TODAY, paris)
    assert autumn.problems["to"].said(english) == "At most 366 days at a time."
    assert read_period({"from": "2023-03-27", "to": "2024-03-26"}, TODAY, UTC_ZONE).period


def test_an_export_is_the_rows_over_time_or_one_breakdown():
    period = Period(date(2026, 3, 1), date(2026, 3, 31), Dimension.WEEK)

    assert export_dimension("", period) is Dimension.WEEK
    assert export_dimension("person", period) is Dimension.ASSIGNEE
    assert export_dimension("type", period) is Dimension.TYPE
    with pytest.raises(InvalidFields):
        export_dimension("tenant", period)


# The charts' data.


@pytest.mark.parametrize(
    ("by", "first", "last", "keys"),
    [
        (Dimension.DAY, date(2026, 2, 27), date(2026, 3, 2),
         ["2026-02-27", "2026-02-28", "2026-03-01", "2026-03-02"]),
        (Dimension.WEEK, date(2025, 12, 28), date(2026, 1, 12),
         ["2025-W52", "2026-W01", "2026-W02", "2026-W03"]),
        (Dimension.MONTH, date(2025, 11, 30), date(2026, 2, 1),
         ["2025-11", "2025-12", "2026-01", "2026-02"]),
        (Dimension.DAY, TODAY, TODAY, ["2026-03-15"]),
    ],
)  # fmt: skip
def test_every_period_is_keyed_as_the_report_keys_it(by, first, last, keys):
    assert period_keys(Period(first, last, by)) == keys


def test_periods_without_tickets_are_zeros_in_time_order():
    rows = [row("2026-03-02", 3, 1), row("2026-03-01", 2, 2)]

    filled = over_time(rows, ["2026-03-01", "2026-03-02", "2026-03-03"])

    assert [(r["key"], r["opened"], r["backlog"]) for r in filled] == [
        ("2026-03-01", 2, 0), ("2026-03-02", 3, 2), ("2026-03-03", 0, 0),
    ]  # fmt: skip
    assert filled[2]["compliance_resolution_pct"] is None
    assert over_time([row("2026-02-28", 1)], ["2026-03-01"])[-1]["key"] == "2026-02-28"


def test_the_trend_has_opened_resolved_and_backlog_per_period():
    chart = trend_chart([row("2026-03-01", 4, 1, 1), row("2026-03-02", 2)], english)

    assert chart["type"] == "line"
    assert chart["labels"] == ["2026-03-01", "2026-03-02"]
    assert [(s["key"], s["data"]) for s in chart["series"]] == [
        ("opened", [4, 2]), ("resolved", [1, 0]), ("backlog", [2, 2]),
    ]  # fmt: skip


def test_a_pie_has_the_largest_share_first_in_the_visitors_words_and_no_empty_slice():
    lang = i18n.language(i18n.load_catalogs(), "zh-CN", SHANGHAI)
    rows = [row("assigned", 1), row("new", 3), row("closed", 0), row("(none)", 1)]

    chart = share_chart(rows, STATUS_LABELS, lang.gettext)

    assert chart["type"] == "pie"
    assert chart["keys"] == ["new", "(none)", "assigned"]
    assert chart["labels"][0] == lang.gettext("New")
    assert chart["labels"][0] != "New"
    assert chart["labels"][1] == lang.gettext("Not set")
    assert chart["series"][0]["data"] == [3, 1, 1]


def test_the_bars_keep_the_busiest_and_sum_the_others():
    rows = [row(f"g{i:02}", i, 1) for i in range(1, 16)]  # 15 groups, g15 the busiest

    shown = busiest(rows, top=4)

    assert [r["key"] for r in shown] == ["g15", "g14", "g13", "(others)"]
    assert shown[-1]["opened"] == sum(range(1, 13))
    assert shown[-1]["resolved"] == 12
    assert sum(r["opened"] for r in shown) == sum(r["opened"] for r in rows)
    assert busiest(rows[:3], top=4) == sorted(rows[:3], key=lambda r: -r["opened"])
    assert key_label("(others)", {}, english) == "Others"
    assert key_label("network-ops", {}, english) == "network-ops"


def test_sla_compliance_per_metric_over_time_and_in_total():
    rows = [row("2026-03-01", 4, breached_resolution=1), row("2026-03-02", 0)]
    total = row("total", 4, breached_resolution=1, breached_response=2)

    chart = sla_chart(rows, english)
    table = sla_rows(total)

    assert chart["percent"] is True
    assert [(s["key"], s["label"], s["data"]) for s in chart["series"]] == [
        ("compliance_response_pct", "Response", [100.0, None]),
        ("compliance_transfer_pct", "Transfer", [100.0, None]),
        ("compliance_resolution_pct", "Resolution", [75.0, None]),
    ]  # fmt: skip
    assert [(s["metric"], s["met_pct"], s["breaches"]) for s in table] == [
        ("response", 50.0, 2), ("transfer", 100.0, 0), ("resolution", 75.0, 1),
    ]  # fmt: skip


def test_times_are_whole_hours_and_minutes():
    assert hours_minutes(None) is None
    assert hours_minutes(5480.0) == (1, 31)  # 91 minutes 20 s
    assert hours_minutes(59.0) == (0, 1)
    assert hours_minutes(86400.0) == (24, 0)


def test_the_key_of_a_ticket_without_the_field_is_the_read_models():
    assert report_page.NONE == mongo_reports.NONE


def test_the_view_has_a_chart_for_every_canvas():
    period = Period(date(2026, 3, 1), date(2026, 3, 3))
    breakdowns = {"status": [row("new", 2)], "type": [row("complaint", 2)],
                  "region": [row("beijing", 2)], "group": [],
                  "person": [row("li.wei", 2)]}  # fmt: skip

    view = report_view(period, [row("2026-03-02", 2)], row("total", 2), breakdowns, english)

    assert set(view.charts) == {"trend", "sla", *(b.key for b in BREAKDOWNS)}
    assert view.charts["trend"]["series"][0]["data"] == [0, 2, 0]
    assert view.charts["type"]["labels"] == ["Complaint"]
    assert view.charts["group"]["keys"] == []
    assert view.charts["person"]["type"] == "bar"


# The page.


def _render(form: PeriodForm, shown: object, tag: str = "en") -> str:
    lang = i18n.language(i18n.load_catalogs(), tag, SHANGHAI)
    request = Request({"type": "http", "path": "/ui/reports", "query_string": b"", "headers": []})
    values = {
        "caller": Caller("u-1", "sun.lead", "acme", frozenset({Role.SUPERVISOR})), "staff": True,
        "csrf": "x", "form": form, "presets": presets(TODAY), "granularities": GRANULARITIES,
        "breakdowns": BREAKDOWNS, "handling_times": HANDLING_TIMES,
        "hours_minutes": hours_minutes, "measures": [("urges", "Urges")], "zone": "Asia/Shanghai",
        "banner": [], "shown": shown,
        "label_of": lambda key, labels: key_label(key, labels, lang.gettext),
    }  # fmt: skip
    return bytes(page(environment(), request, "reports.html", lang, values).body).decode()


def test_the_page_says_next_to_the_field_what_is_wrong_and_draws_nothing():
    form = read_period({"from": "2026-03-10", "to": "2026-03-01"}, TODAY, SHANGHAI)

    html = _render(form, None, "ru")

    error = re.search(r'<span class="field-error"[^>]*data-field="(\w+)">([^<]+)</span>', html)
    assert error is not None
    assert error.group(1) == "to"
    assert error.group(2) == i18n.load_catalogs()["ru"].gettext("The end is before the start.")
    assert error.group(2) != "The end is before the start."
    assert 'name="to" value="2026-03-01" aria-invalid="true"' in html
    assert "<canvas" not in html
    assert "/ui/reports/export" not in html


def test_the_page_has_every_chart_its_tables_and_the_exports_of_the_same_period():
    form = read_period({"from": "2026-03-01", "to": "2026-03-03", "by": "day"}, TODAY, SHANGHAI)
    assert form.period is not None
    breakdowns = {"status": [row("new", 2)], "type": [row("complaint", 2)],
                  "region": [], "group": [], "person": [row("li.wei", 2, 1)]}  # fmt: skip
    shown = report_view(form.period, [row("2026-03-02", 2, 1)], row("total", 2, 1), breakdowns,
                        english)  # fmt: skip

    html = _render(form, shown)

    for key in ("report", "sla", "status", "type", "region", "group", "person"):
        assert f'id="{key}-chart"' in html
    assert html.count('<tr data-key="2026-03-0') == 3
    exported = "/ui/reports/export?from=2026-03-01&amp;to=2026-03-03&amp;by=day&amp;format=csv"
    assert f'href="{exported}"' in html
    assert "format=xlsx&amp;of=person" in html
    assert '<tr data-key="li.wei"><td>li.wei</td><td class="opened">2</td>' in html
    assert '<tr data-key="complaint"><td>Complaint</td>' in html
    assert 'data-preset="last-7-days"' in html
    assert not re.search(r'data-preset="[^"]+" class="current"', html)  # 1–3 March is none
    this_month = read_period({"from": "2026-03-01", "to": "2026-03-15"}, TODAY, SHANGHAI)
    assert this_month.period is not None
    html = _render(this_month, report_view(this_month.period, [], row("total", 0), {}, english))
    assert re.findall(r'data-preset="([^"]+)" class="current"', html) == ["this-month"]
