"""The reports page's own logic, pure: the period a visitor picks — from and to dates in
the tenant's time zone (both days included), a granularity, the presets — read from the
query string with a clear message for each field that cannot be used; and the report's
rows shaped into what the page's charts and tables show (periods without tickets filled
in, pies of shares, bars of the busiest, SLA compliance per metric)."""

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from services.gateway.domain.reports import (
    MAX_SPAN,
    PERIODS,
    TICKET_METRICS,
    Dimension,
    report_row,
)
from services.gateway.web.i18n import N_
from services.gateway.web.render import STATUS_LABELS
from services.gateway.web.ticket_panels import METRIC_LABELS
from shared.errors import InvalidFields
from shared.events.vocabulary import TicketType

Row = dict[str, Any]
Chart = dict[str, Any]
Gettext = Callable[[str], str]

GRANULARITIES = {
    Dimension.DAY.value: N_("Day"), Dimension.WEEK.value: N_("Week"),
    Dimension.MONTH.value: N_("Month"),
}  # fmt: skip
DEFAULT_BY = Dimension.DAY
DEFAULT_PRESET = "last-30-days"
# Dates a report can be asked for: any ticket's, and never an instant Python cannot hold.
EARLIEST, LATEST = date(2000, 1, 1), date(2099, 12, 31)
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# The keys the read model's reports give a ticket without the field, and the bar the
# smaller groups are summed into.
NONE, OTHERS = "(none)", "(others)"
KEY_LABELS = {NONE: N_("Not set"), OTHERS: N_("Others")}
TYPE_LABELS = {
    TicketType.INCIDENT.value: N_("Incident"),
    TicketType.SERVICE_REQUEST.value: N_("Service request"),
    TicketType.CONSULTATION.value: N_("Consultation"),
    TicketType.COMPLAINT.value: N_("Complaint"),
    TicketType.REPAIR.value: N_("Repair"),
}
TOP = 12  # bars at most: the busiest groups, then the others summed


@dataclass(frozen=True)
class Problem:
    """Why a field cannot be used: a catalog message and its placeholders' values."""

    message: str
    values: Mapping[str, object] = field(default_factory=dict)

    def said(self, gettext: Callable[..., str]) -> str:
        return gettext(self.message, **self.values)


@dataclass(frozen=True)
class Period:
    """The tickets registered from ``first`` to ``last`` (both days, in the tenant's
    zone), counted per day, week or month."""

    first: date
    last: date
    by: Dimension = DEFAULT_BY

    def bounds(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        """``[start, end)`` in UTC: the first day's midnight to the one after the last."""
        start = datetime.combine(self.first, time(), zone)
        end = datetime.combine(self.last + timedelta(days=1), time(), zone)
        return start.astimezone(UTC), end.astimezone(UTC)

    def query(self, **extra: str) -> str:
        """The period as the page's query string (and the exports')."""
        values = {"from": self.first.isoformat(), "to": self.last.isoformat(),
                  "by": self.by.value, **extra}  # fmt: skip
        return urlencode(values)


@dataclass(frozen=True)
class Preset:
    key: str
    label: str
    first: date
    last: date

    def period(self, by: Dimension) -> Period:
        return Period(self.first, self.last, by)


def presets(today: date) -> list[Preset]:
    """The usual periods, ending today (or last month's last day)."""
    month = today.replace(day=1)
    month_before = month - timedelta(days=1)
    return [
        Preset("last-7-days", N_("Last 7 days"), today - timedelta(days=6), today),
        Preset("last-30-days", N_("Last 30 days"), today - timedelta(days=29), today),
        Preset("this-month", N_("This month"), month, today),
        Preset("last-month", N_("Last month"), month_before.replace(day=1), month_before),
        Preset("this-year", N_("This year"), today.replace(month=1, day=1), today),
    ]


@dataclass(frozen=True)
class PeriodForm:
    """The picker as the visitor filled it in, the period it names when every field can
    be used, and otherwise what is wrong with each field (``from``, ``to``)."""

    start: str
    end: str
    by: Dimension
    period: Period | None
    problems: dict[str, Problem] = field(default_factory=dict)

    def matches(self, preset: Preset) -> bool:
        return self.period is not None and (self.period.first, self.period.last) == (
            preset.first, preset.last,
        )  # fmt: skip


def granularity(value: str | None) -> Dimension:
    """Day, week or month; anything else (the select offers nothing else) is a day."""
    return Dimension(value) if value in GRANULARITIES else DEFAULT_BY


def read_period(params: Mapping[str, str], today: date, zone: ZoneInfo) -> PeriodForm:
    """The picker from the page's query string; no dates at all is the default preset."""
    by = granularity(params.get("by"))
    start, end = ((params.get(name) or "").strip()[:40] for name in ("from", "to"))
    if not start and not end:
        chosen = next(p for p in presets(today) if p.key == DEFAULT_PRESET)
        return PeriodForm(chosen.first.isoformat(), chosen.last.isoformat(), by, chosen.period(by))
    first, last = parse_date(start), parse_date(end)
    problems = {name: found for name, found in (("from", first), ("to", last))
                if isinstance(found, Problem)}  # fmt: skip
    if isinstance(first, date) and isinstance(last, date):
        problems = span_problems(Period(first, last, by), zone)
        if not problems:
            return PeriodForm(start, end, by, Period(first, last, by))
    return PeriodForm(start, end, by, None, problems)


def parse_date(text: str) -> date | Problem:
    """A day written ``YYYY-MM-DD`` (what a date input sends), or why it is not one."""
    if not text:
        return Problem(N_("Enter a date."))
    if not ISO_DATE.fullmatch(text):
        return Problem(N_("Not a date: write it as YYYY-MM-DD."))
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return Problem(N_("There is no such day."))
    if not EARLIEST <= day <= LATEST:
        limits = {"earliest": EARLIEST.isoformat(), "latest": LATEST.isoformat()}
        return Problem(N_("Pick a day from %(earliest)s to %(latest)s."), limits)
    return day


def span_problems(period: Period, zone: ZoneInfo) -> dict[str, Problem]:
    """The end must not come before the start, and the report spans at most
    ``MAX_SPAN`` (as the API counts it: between the instants)."""
    if period.last < period.first:
        return {"to": Problem(N_("The end is before the start."))}
    start, end = period.bounds(zone)
    if end - start > MAX_SPAN:
        return {"to": Problem(N_("At most %(days)s days at a time."), {"days": MAX_SPAN.days})}
    return {}


def export_dimension(of: str | None, period: Period) -> Dimension:
    """What an export button downloads: the period's rows over time, or one breakdown."""
    if not of:
        return period.by
    if of not in BREAKDOWN_DIMENSIONS:
        raise InvalidFields({"of": f"is one of {', '.join(BREAKDOWN_DIMENSIONS)}"})
    return BREAKDOWN_DIMENSIONS[of]


# Chart data.


def period_keys(period: Period) -> list[str]:
    """Every day, week or month of the period, as the report keys it (in order)."""
    pattern = PERIODS[period.by]
    keys: list[str] = []
    for offset in range((period.last - period.first).days + 1):
        key = (period.first + timedelta(days=offset)).strftime(pattern)
        if not keys or keys[-1] != key:
            keys.append(key)
    return keys


def over_time(rows: Iterable[Row], keys: Sequence[str]) -> list[Row]:
    """A row for every period, those without tickets as zeros, in time order."""
    found = {str(row["key"]): row for row in rows}
    filled = [found.pop(key) if key in found else report_row({"key": key}) for key in keys]
    return filled + [found[key] for key in sorted(found)]


def key_label(key: object, labels: Mapping[str, str], gettext: Gettext) -> str:
    """A row's key as people read it: a status or type in their language, "not set"."""
    text = str(key)
    if text in labels:
        return gettext(labels[text])
    if text in KEY_LABELS:
        return gettext(KEY_LABELS[text])
    return text


def _series(
    rows: Sequence[Row], columns: Sequence[tuple[str, str]], gettext: Gettext
) -> list[Chart]:
    return [{"key": key, "label": gettext(name), "data": [row.get(key) for row in rows]}
            for key, name in columns]  # fmt: skip


TREND = (("opened", N_("Opened")), ("resolved", N_("Resolved")), ("backlog", N_("Backlog")))


def trend_chart(rows: Sequence[Row], gettext: Gettext) -> Chart:
    """Opened, resolved and still open of the tickets registered in each period."""
    return {"type": "line", "keys": [str(row["key"]) for row in rows],
            "labels": [str(row["key"]) for row in rows],
            "series": _series(rows, TREND, gettext)}  # fmt: skip


def share_chart(rows: Iterable[Row], labels: Mapping[str, str], gettext: Gettext) -> Chart:
    """A pie of the tickets opened per key, the largest first (empty keys left out)."""
    shown = sorted((r for r in rows if r["opened"]), key=lambda r: (-r["opened"], str(r["key"])))
    return {"type": "pie", "keys": [str(r["key"]) for r in shown],
            "labels": [key_label(r["key"], labels, gettext) for r in shown],
            "series": _series(shown, TREND[:1], gettext)}  # fmt: skip


def busiest(rows: Iterable[Row], top: int = TOP) -> list[Row]:
    """The groups with the most tickets opened; past ``top`` bars the rest in one."""
    ranked = sorted(rows, key=lambda r: (-r["opened"], str(r["key"])))
    if len(ranked) <= top:
        return ranked
    rest = ranked[top - 1 :]
    others = {"key": OTHERS} | {key: sum(r[key] for r in rest) for key, _ in TREND}
    return [*ranked[: top - 1], others]


def bar_chart(rows: Iterable[Row], labels: Mapping[str, str], gettext: Gettext) -> Chart:
    shown = busiest(rows)
    return {"type": "bar", "keys": [str(r["key"]) for r in shown],
            "labels": [key_label(r["key"], labels, gettext) for r in shown],
            "series": _series(shown, TREND, gettext)}  # fmt: skip


def sla_chart(rows: Sequence[Row], gettext: Gettext) -> Chart:
    """% met per SLA metric in each period (none where no ticket was registered)."""
    metrics = [(f"compliance_{m.value}_pct", METRIC_LABELS[m.value]) for m in TICKET_METRICS]
    return {"type": "line", "percent": True, "keys": [str(row["key"]) for row in rows],
            "labels": [str(row["key"]) for row in rows],
            "series": _series(rows, metrics, gettext)}  # fmt: skip


def sla_rows(total: Row) -> list[Row]:
    """Per metric over the whole period: the share met and how many breached it."""
    return [{"metric": m.value, "label": METRIC_LABELS[m.value],
             "met_pct": total.get(f"compliance_{m.value}_pct"),
             "breaches": total.get(f"breached_{m.value}", 0)} for m in TICKET_METRICS]  # fmt: skip


def hours_minutes(seconds: float | None) -> tuple[int, int] | None:
    """A mean or 90th-percentile time in whole hours and minutes."""
    if seconds is None:
        return None
    minutes = round(seconds / 60)
    return minutes // 60, minutes % 60


HANDLING_TIMES = (
    ("accept_mean_s", N_("Mean time to accept")),
    ("accept_p90_s", N_("90th percentile time to accept")),
    ("resolve_mean_s", N_("Mean time to resolve")),
    ("resolve_p90_s", N_("90th percentile time to resolve")),
)
# The total row's other measures, with the exports' headings (domain.reports.COLUMNS).
MEASURES = (
    "first_contact", "extended", "urges", "escalated", "repeats", "inspected", "qc_pass_pct",
    "qc_score_mean", "dissatisfied", "appealed", "appeal_upheld", "appeal_overturned",
)  # fmt: skip


@dataclass(frozen=True)
class Breakdown:
    key: str
    dimension: Dimension
    title: str
    kind: str  # the chart: pie or bar
    labels: Mapping[str, str] = field(default_factory=dict)


BREAKDOWNS = (
    Breakdown("status", Dimension.STATUS, N_("By status"), "pie", STATUS_LABELS),
    Breakdown("type", Dimension.TYPE, N_("By type"), "pie", TYPE_LABELS),
    Breakdown("region", Dimension.REGION, N_("By region"), "bar"),
    Breakdown("group", Dimension.GROUP, N_("By group"), "bar"),
    Breakdown("person", Dimension.ASSIGNEE, N_("By person"), "bar"),
)
BREAKDOWN_DIMENSIONS = {b.key: b.dimension for b in BREAKDOWNS}


@dataclass(frozen=True)
class ReportView:
    """What the page shows of one period: its rows over time and their total, each
    breakdown's rows, and every chart's data (``charts`` by canvas)."""

    period: Period
    trend: list[Row]
    total: Row
    breakdowns: dict[str, list[Row]]
    charts: dict[str, Chart]
    sla: list[Row]


def report_view(
    period: Period, rows: Iterable[Row], total: Row, breakdowns: Mapping[str, list[Row]],
    gettext: Gettext,
) -> ReportView:  # fmt: skip
    trend = over_time(rows, period_keys(period))
    charts = {"trend": trend_chart(trend, gettext), "sla": sla_chart(trend, gettext)}
    for b in BREAKDOWNS:
        shape = share_chart if b.kind == "pie" else bar_chart
        charts[b.key] = shape(breakdowns.get(b.key, []), b.labels, gettext)
    return ReportView(period, trend, total, dict(breakdowns), charts, sla_rows(total))
