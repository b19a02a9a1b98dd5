"""What the SLA API refuses, before anything reaches the domain (a 422 naming the field)."""

import pytest
from pydantic import ValidationError

from services.sla.entrypoints.schemas import CalendarBody, HolidayList, PolicyList

OFFICE = {"mon": ["09:00-18:00"]}


def policy(**target):
    return {"policies": [{"policy_id": "p", "targets": [{"metric": "response", **target}]}]}


def refused_fields(model, body):
    with pytest.raises(ValidationError) as refused:
        model.model_validate(body)
    return {".".join(str(part) for part in error["loc"]) for error in refused.value.errors()}


@pytest.mark.parametrize(
    ("target", "field"),
    [
        ({"business_hours": 0.0001}, "business_hours"),  # under a second
        ({"business_hours": 1e308}, "business_hours"),
        ({"business_hours": float("inf")}, "business_hours"),
        ({"business_hours": True}, "business_hours"),
        ({"working_days": 10**20}, "working_days"),
        ({"working_days": 10**9}, "working_days"),
        ({"working_days": True}, "working_days"),
        ({"working_days": "3"}, "working_days"),
        ({"business_minutes": 0}, "business_minutes"),
        ({"business_seconds": -5}, "business_seconds"),
    ],
    ids=repr,
)
def test_an_unmeasurable_or_unbounded_target_is_refused(target, field):
    assert refused_fields(PolicyList, policy(**target)) == {f"policies.0.targets.0.{field}"}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"pause_statuses": ["closed"]}, "pause_statuses"),
        ({"pause_statuses": ["new", "on_hold"]}, "pause_statuses"),
        ({"thresholds": [True]}, "thresholds.0"),
        ({"thresholds": [100]}, "thresholds"),
        ({"policy_id": "   "}, "policy_id"),
        ({"policy_id": "a\nb"}, "policy_id"),
        ({"colour": "red"}, "colour"),
    ],
    ids=repr,
)
def test_a_bad_policy_field_is_refused_by_name(change, field):
    body = policy(business_hours=4)
    body["policies"][0] |= change
    assert refused_fields(PolicyList, body) == {f"policies.0.{field}"}


def test_the_pausable_statuses_are_accepted():
    body = policy(working_days=3)
    body["policies"][0]["pause_statuses"] = ["waiting_customer", "on_hold", "investigation"]
    assert PolicyList.model_validate(body).policies[0].to_policy().pause_statuses


def test_bounded_targets_at_the_limit_are_accepted():
    for target in ({"business_hours": 10_000}, {"working_days": 1_000}, {"business_hours": 0.5}):
        assert PolicyList.model_validate(policy(**target))


@pytest.mark.parametrize(
    "body",
    [
        {"weekly": OFFICE, "extra_working_days": {"2026-09-27": []}},
        {
            "weekly": OFFICE,
            "holidays": ["2026-10-01"],
            "extra_working_days": {"2026-10-01": ["09:00-12:00"]},
        },
        {
            "weekly": OFFICE,
            "holidays": [{"from": "2026-10-01", "to": "2026-10-07"}],
            "extra_working_days": {"2026-10-03": ["09:00-12:00"]},
        },
    ],
    ids=["make-up-day-without-hours", "holiday-and-make-up-day", "inside-a-holiday-range"],
)
def test_a_calendar_that_contradicts_itself_is_refused_on_its_make_up_days(body):
    assert refused_fields(CalendarBody, body) == {"extra_working_days"}
    assert refused_fields(HolidayList, {k: v for k, v in body.items() if k != "weekly"}) == {
        "extra_working_days"
    }


def test_quality_control_metrics_take_targets_like_any_other():
    body = {"policies": [{"policy_id": "p", "targets": [
        {"metric": "resolution", "business_hours": 8},
        {"metric": "inspection", "working_days": 2},
        {"metric": "appeal", "business_hours": 24},
    ]}]}  # fmt: skip
    targets = PolicyList.model_validate(body).policies[0].to_policy().targets
    assert [(t.metric.value, t.amount, t.unit.value) for t in targets] == [
        ("resolution", 8 * 3600, "business_seconds"),
        ("inspection", 2, "working_days"),
        ("appeal", 24 * 3600, "business_seconds"),
    ]


@pytest.mark.parametrize(
    ("targets", "field"),
    [
        ([{"metric": "inspektion", "working_days": 2}], "targets.0.metric"),
        ([{"metric": "INSPECTION", "working_days": 2}], "targets.0.metric"),
        ([{"metric": "appeal", "working_days": "3"}], "targets.0.working_days"),
        ([{"metric": "appeal", "working_days": 0}], "targets.0.working_days"),
        ([{"metric": "inspection", "working_days": 2, "business_hours": 1}], "targets.0"),
        ([{"metric": "inspection", "working_days": 2}] * 2, "targets"),
    ],
    ids=repr,
)
def test_a_bad_quality_control_target_is_refused_by_name(targets, field):
    body = {"policies": [{"policy_id": "p", "targets": targets}]}
    assert refused_fields(PolicyList, body) == {f"policies.0.{field}"}
