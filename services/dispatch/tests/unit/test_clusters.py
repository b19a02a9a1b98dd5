"""Outage clusters: N complaints of one category within R km within T minutes — the edges
users hit: exactly N, just outside R, just outside T, two categories, redelivery."""

from datetime import UTC, datetime, timedelta

import pytest

from services.dispatch.domain.clusters import (
    Cluster,
    ClusterRule,
    Complaint,
    category_of,
    centre_of,
    distance_km,
    members_of,
)

T0 = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
STREET = (116.4600, 39.9100)  # 建国路, Beijing
KM_PER_DEGREE_LAT = 111.195
RULE = ClusterRule()


def north(km: float) -> tuple[float, float]:
    return STREET[0], STREET[1] + km / KM_PER_DEGREE_LAT


def complaint(i: int, minutes: float = 0, at: tuple[float, float] = STREET,
              category: str = "broadband") -> Complaint:  # fmt: skip
    return Complaint(f"t-{i}", category, at[0], at[1], T0 + timedelta(minutes=minutes))


def test_exactly_n_complaints_make_a_cluster_and_one_fewer_does_not():
    earlier = [complaint(i, minutes=i) for i in range(4)]
    assert members_of(complaint(4, minutes=10), earlier, RULE) == [f"t-{i}" for i in range(5)]
    assert members_of(complaint(4, minutes=10), earlier[:3], RULE) == []


@pytest.mark.parametrize(("km", "inside"), [(1.99, True), (1.999, True), (2.01, False)])
def test_the_radius_is_measured_on_the_ground(km, inside):
    assert distance_km(STREET, north(km)) == pytest.approx(km, abs=0.005)
    earlier = [complaint(i) for i in range(3)] + [complaint(3, at=north(km))]
    found = members_of(complaint(4, minutes=1), earlier, RULE)
    assert ("t-3" in found) is inside
    assert len(found) == (5 if inside else 0)


@pytest.mark.parametrize(("minutes_before", "inside"), [(59, True), (60, True), (61, False)])
def test_the_window_ends_at_the_newest_complaint(minutes_before, inside):
    earlier = [complaint(0, minutes=-minutes_before)] + [
        complaint(i, minutes=-1) for i in (1, 2, 3)
    ]
    assert bool(members_of(complaint(4), earlier, RULE)) is inside


def test_a_complaint_registered_after_the_newest_is_not_counted_for_it():
    later = [complaint(i, minutes=5) for i in range(4)]
    assert members_of(complaint(4), later, RULE) == []


def test_two_categories_are_two_outages():
    mixed = [complaint(i, category="broadband" if i % 2 else "iptv") for i in range(8)]
    assert members_of(complaint(9, minutes=1), mixed, RULE) == ["t-1", "t-3", "t-5", "t-7", "t-9"]
    assert members_of(complaint(9, minutes=1, category="voice"), mixed, RULE) == []


def test_a_candidate_seen_twice_counts_once():
    twice = [complaint(i) for i in range(3)] * 2
    assert members_of(complaint(3, minutes=1), twice, RULE) == []


def test_a_tenant_rule_changes_the_thresholds_within_bounds():
    small = ClusterRule(min_complaints=2, radius_km=0.5, window=timedelta(minutes=10))
    assert members_of(complaint(1, minutes=5), [complaint(0)], small) == ["t-0", "t-1"]
    for bad in ({"min_complaints": 1}, {"radius_km": 0}, {"radius_km": 51},
                {"window": timedelta(0)}, {"window": timedelta(days=2)}):  # fmt: skip
        with pytest.raises(ValueError, match=r"cluster|radius|window"):
            ClusterRule(**bad)


def test_a_later_complaint_near_an_open_cluster_joins_it_once():
    cluster = Cluster("c-1", "acme", "broadband", centre_of([STREET, north(0.2)]), 2.0, T0,
                      ["t-0", "t-1"])  # fmt: skip
    near, far, other = (
        complaint(7, at=north(1.5)),
        complaint(8, at=north(3)),
        complaint(9, category="iptv"),
    )
    assert cluster.covers(near)
    assert not cluster.covers(far)
    assert not cluster.covers(other)
    assert cluster.join(near) is True
    assert cluster.join(near) is False
    assert cluster.members == ["t-0", "t-1", "t-7"]
    cluster.open = False
    assert not cluster.covers(complaint(10))


@pytest.mark.parametrize(
    ("ticket_type", "service", "category"),
    [("complaint", "broadband", "broadband"), ("incident", None, "incident"),
     ("repair", "iptv", "iptv"), ("consultation", "broadband", None),
     ("service_request", None, None)],
)  # fmt: skip
def test_only_tickets_reporting_something_broken_have_a_category(ticket_type, service, category):
    assert category_of(ticket_type, service) == category
