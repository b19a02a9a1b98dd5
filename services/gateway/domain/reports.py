"""Ticket reports (统计报表 / отчёты): the tickets registered in a period, grouped by time,
region, group, person, status or type, with what happened to them.

A report counts one cohort: the tickets registered in ``[start, end)``. For each group it
gives how many were opened, resolved, canceled and are still open (backlog), resolved at
first contact (直接答复), how many
breached each SLA metric and so the compliance per metric, the mean and 90th percentile
time from registration to acceptance and to resolution, urges, escalations, repeat
complaints, and from quality inspection the share passed, the mean score, the customers
a return visit found dissatisfied, and the complaints whose judgement was appealed, with
the appeals upheld and overturned (改判: no responsibility, or another unit).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from shared.errors import InvalidFields
from shared.events.sla import SlaMetric

MAX_SPAN = timedelta(days=366)
# The metrics that time the ticket's handling: what SLA compliance counts. Quality
# control's deadlines (inspection, appeal) run after closure and are not the ticket's.
TICKET_METRICS = tuple(m for m in SlaMetric if m.handles_the_ticket)


class Dimension(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    REGION = "region"
    GROUP = "group"
    ASSIGNEE = "assignee"
    STATUS = "status"
    TYPE = "type"


PERIODS = {Dimension.DAY: "%Y-%m-%d", Dimension.WEEK: "%G-W%V", Dimension.MONTH: "%Y-%m"}


@dataclass(frozen=True)
class ReportRequest:
    tenant_id: str
    by: Dimension
    start: datetime
    end: datetime
    timezone: str = "UTC"


def report_request(
    tenant_id: str, by: Dimension, start: datetime, end: datetime, timezone: str
) -> ReportRequest:
    """A request whose period is ordered, at most a year long and in a known time zone."""
    errors = {}
    if end <= start:
        errors["to"] = "must be after from"
    elif end - start > MAX_SPAN:
        errors["to"] = f"at most {MAX_SPAN.days} days after from"
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        errors["tz"] = f"{timezone!r} is not an IANA time zone"
    if errors:
        raise InvalidFields(errors)
    return ReportRequest(tenant_id, by, start, end, timezone)


# The columns of every report row, in order, with their headings in each language.
COLUMNS: dict[str, dict[str, str]] = {
    "key": {"en": "Group", "zh-CN": "分组", "ru": "Группа"},
    "opened": {"en": "Opened", "zh-CN": "新建", "ru": "Открыто"},
    "resolved": {"en": "Resolved", "zh-CN": "已解决", "ru": "Решено"},
    "canceled": {"en": "Canceled", "zh-CN": "已取消", "ru": "Отменено"},
    "backlog": {"en": "Backlog", "zh-CN": "积压", "ru": "В работе"},
    "first_contact": {"en": "Resolved at first contact", "zh-CN": "直接答复",
                      "ru": "Решено при первом обращении"},
    "extended": {"en": "Deadline extended", "zh-CN": "延期", "ru": "Срок продлён"},
    **{
        f"breached_{m.value}": {
            "en": f"SLA breaches: {m.value}", "zh-CN": f"超时({m.value})",
            "ru": f"Нарушения SLA: {m.value}",
        }
        for m in TICKET_METRICS
    },
    **{
        f"compliance_{m.value}_pct": {
            "en": f"SLA met % ({m.value})", "zh-CN": f"及时率%({m.value})",
            "ru": f"SLA соблюдён, % ({m.value})",
        }
        for m in TICKET_METRICS
    },
    "accept_mean_s": {"en": "Mean time to accept (s)", "zh-CN": "平均受理时长(秒)",
                      "ru": "Среднее время принятия (с)"},
    "accept_p90_s": {"en": "P90 time to accept (s)", "zh-CN": "P90受理时长(秒)",
                     "ru": "P90 времени принятия (с)"},
    "resolve_mean_s": {"en": "Mean time to resolve (s)", "zh-CN": "平均解决时长(秒)",
                       "ru": "Среднее время решения (с)"},
    "resolve_p90_s": {"en": "P90 time to resolve (s)", "zh-CN": "P90解决时长(秒)",
                      "ru": "P90 времени решения (с)"},
    "urges": {"en": "Urges", "zh-CN": "催办", "ru": "Напоминания"},
    "escalated": {"en": "Escalated", "zh-CN": "升级", "ru": "Эскалации"},
    "repeats": {"en": "Repeat complaints", "zh-CN": "重复投诉", "ru": "Повторные жалобы"},
    "inspected": {"en": "Inspected", "zh-CN": "已质检", "ru": "Проверено"},
    "qc_pass_pct": {"en": "QC pass %", "zh-CN": "质检合格率%", "ru": "Контроль пройден, %"},
    "qc_score_mean": {"en": "Mean QC score", "zh-CN": "平均质检分", "ru": "Средний балл контроля"},
    "dissatisfied": {"en": "Dissatisfied (return visit)", "zh-CN": "回访不满意",
                     "ru": "Недовольны (обзвон)"},
    "appealed": {"en": "Appealed", "zh-CN": "申诉", "ru": "Обжаловано"},
    "appeal_upheld": {"en": "Appeals upheld", "zh-CN": "申诉维持原判",
                      "ru": "Решение оставлено в силе"},
    "appeal_overturned": {"en": "Appeals overturned", "zh-CN": "申诉改判",
                          "ru": "Решение пересмотрено"},
}  # fmt: skip
LANGUAGES = ("en", "zh-CN", "ru")


def report_row(group: dict[str, Any]) -> dict[str, Any]:
    """One row from the counts of one group as the query summed them (durations in ms)."""
    opened = int(group.get("opened", 0))
    resolved, canceled = int(group.get("resolved", 0)), int(group.get("canceled", 0))
    row: dict[str, Any] = {
        "key": group.get("key"), "opened": opened, "resolved": resolved, "canceled": canceled,
        "backlog": opened - resolved - canceled,
    }  # fmt: skip
    for metric in TICKET_METRICS:
        breached = int(group.get(f"breached_{metric.value}", 0))
        row[f"breached_{metric.value}"] = breached
        share = 100.0 * (opened - breached) / opened if opened else None
        row[f"compliance_{metric.value}_pct"] = None if share is None else round(share, 1)
    for name in ("accept_mean", "accept_p90", "resolve_mean", "resolve_p90"):
        row[f"{name}_s"] = _seconds(group.get(name))
    row["first_contact"] = int(group.get("first_contact", 0))
    row["extended"] = int(group.get("extended", 0))
    for name in ("urges", "escalated", "repeats", "inspected", "dissatisfied", "appealed",
                 "appeal_upheld", "appeal_overturned"):  # fmt: skip
        row[name] = int(group.get(name, 0))
    inspected = row["inspected"]
    passed = int(group.get("qc_passed", 0))
    row["qc_pass_pct"] = round(100.0 * passed / inspected, 1) if inspected else None
    mean = group.get("qc_score_mean")
    row["qc_score_mean"] = round(mean, 1) if isinstance(mean, int | float) else None
    return {name: row[name] for name in COLUMNS}


def _seconds(milliseconds: object) -> float | None:
    if isinstance(milliseconds, list):  # $percentile answers a list of one
        milliseconds = milliseconds[0] if milliseconds else None
    if not isinstance(milliseconds, int | float):
        return None
    return round(milliseconds / 1000, 1)
