"""Report rows from the sums of a group, and the requests a report refuses."""

from datetime import UTC, datetime, timedelta

import pytest

from services.gateway.domain.reports import COLUMNS, Dimension, report_request, report_row
from shared.errors import InvalidFields

T0 = datetime(2026, 3, 1, tzinfo=UTC)


def test_a_row_derives_backlog_compliance_and_seconds_from_the_sums():
    row = report_row({
        "key": "2026-03-02", "opened": 4, "resolved": 2, "canceled": 1,
        "breached_resolution": 1, "accept_mean": 600_000, "accept_p90": [900_000],
        "resolve_mean": None, "resolve_p90": [], "urges": 3, "escalated": 1, "repeats": 0,
        "inspected": 2, "qc_passed": 1, "qc_score_mean": 72.5, "dissatisfied": 1,
    })  # fmt: skip

    assert (row["opened"], row["resolved"], row["canceled"], row["backlog"]) == (4, 2, 1, 1)
    assert row["compliance_resolution_pct"] == 75.0
    assert row["compliance_response_pct"] == 100.0
    assert (row["accept_mean_s"], row["accept_p90_s"]) == (600.0, 900.0)
    assert (row["resolve_mean_s"], row["resolve_p90_s"]) == (None, None)
    assert (row["qc_pass_pct"], row["qc_score_mean"], row["dissatisfied"]) == (50.0, 72.5, 1)
    assert list(row) == list(COLUMNS)


def test_compliance_counts_only_the_metrics_that_time_the_tickets_handling():
    row = report_row({"key": "k", "opened": 2, "breached_inspection": 2, "breached_appeal": 1})

    assert [c for c in COLUMNS if c.startswith("compliance_")] == [
        "compliance_response_pct", "compliance_transfer_pct", "compliance_resolution_pct",
    ]  # fmt: skip
    assert "breached_inspection" not in row
    assert "breached_appeal" not in row
    assert row["compliance_resolution_pct"] == 100.0


def test_a_group_without_tickets_has_no_compliance_rather_than_a_division_by_zero():
    row = report_row({"key": "total"})

    assert row["opened"] == 0
    assert row["compliance_response_pct"] is None


def test_every_heading_is_in_english_chinese_and_russian():
    assert all(set(labels) == {"en", "zh-CN", "ru"} for labels in COLUMNS.values())


@pytest.mark.parametrize(
    ("start", "end", "tz", "field"),
    [
        (T0, T0, "UTC", "to"),
        (T0, T0 - timedelta(days=1), "UTC", "to"),
        (T0, T0 + timedelta(days=367), "UTC", "to"),
        (T0, T0 + timedelta(days=1), "Mars/Olympus", "tz"),
        (T0, T0 + timedelta(days=1), "../etc/passwd", "tz"),
    ],
)
def test_a_period_must_be_ordered_within_a_year_and_in_a_known_zone(start, end, tz, field):
    with pytest.raises(InvalidFields) as refused:
        report_request("acme", Dimension.DAY, start, end, tz)
    assert field in refused.value.errors


def test_a_valid_request_keeps_its_zone():
    request = report_request("acme", Dimension.WEEK, T0, T0 + timedelta(days=7), "Asia/Shanghai")
    assert request.timezone == "Asia/Shanghai"
