"""Properties of business-time arithmetic over arbitrary calendars and instants."""

from datetime import UTC, date, datetime, timedelta

from hypothesis import example, given, settings
from hypothesis import strategies as st

from services.sla.domain.calendar import (
    Calendar,
    WorkingHours,
    add_business_seconds,
    business_seconds_between,
)

ZONES = ["Asia/Shanghai", "Europe/Berlin", "America/New_York", "UTC", "Australia/Lord_Howe"]


@st.composite
def day_hours(draw, min_intervals=0):
    cuts = sorted(draw(st.sets(st.integers(0, 96), min_size=2 * min_intervals, max_size=6)))
    cuts = cuts[: len(cuts) // 2 * 2]
    return tuple(
        WorkingHours(a * 900, b * 900) for a, b in zip(cuts[::2], cuts[1::2], strict=True) if a < b
    )


@st.composite
def calendars(draw):
    weekly = {d: draw(day_hours()) for d in range(7)}
    if not any(weekly.values()):
        weekly[0] = (WorkingHours(9 * 3600, 18 * 3600),)
    base = date(2026, 1, 1)
    days = st.integers(0, 800).map(lambda n: base + timedelta(days=n))
    extra = draw(st.dictionaries(days, day_hours(min_intervals=1), max_size=5))
    holidays = draw(st.frozensets(days, max_size=20)) - extra.keys()
    return Calendar(zone=draw(st.sampled_from(ZONES)), weekly=weekly, holidays=holidays,
                    extra_working_days=extra)  # fmt: skip


instants = st.datetimes(
    min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)
)
# Pairs of instants far apart only cost time: keep measured spans within a quarter.
nearby = st.datetimes(
    min_value=datetime(2026, 3, 1), max_value=datetime(2026, 5, 31), timezones=st.just(UTC)
)
amounts = st.integers(min_value=0, max_value=400 * 3600)


@settings(max_examples=150, deadline=None)
@given(calendars(), instants, amounts)
def test_adding_then_measuring_gives_back_the_amount(calendar, start, seconds):
    assert (
        business_seconds_between(calendar, start, add_business_seconds(calendar, start, seconds))
        == seconds
    )


@settings(max_examples=100, deadline=None)
@given(calendars(), instants, amounts, amounts)
def test_adding_more_never_ends_earlier(calendar, start, a, b):
    small, large = sorted((a, b))
    assert add_business_seconds(calendar, start, small) <= add_business_seconds(
        calendar, start, large
    )


@settings(max_examples=100, deadline=None)
@given(calendars(), nearby, nearby, amounts)
def test_a_later_start_never_ends_earlier(calendar, t1, t2, seconds):
    early, late = sorted((t1, t2))
    assert add_business_seconds(calendar, early, seconds) <= add_business_seconds(
        calendar, late, seconds
    )


@settings(max_examples=100, deadline=None)
@given(calendars(), nearby, nearby, nearby)
def test_business_time_is_additive(calendar, t1, t2, t3):
    a, b, c = sorted((t1, t2, t3))
    whole = business_seconds_between(calendar, a, c)
    parts = business_seconds_between(calendar, a, b) + business_seconds_between(calendar, b, c)
    assert whole - parts in (0, 1)  # flooring each part may drop one partial second


SPRING_FORWARD_BERLIN = Calendar(
    zone="Europe/Berlin",
    weekly={6: (WorkingHours(0, 9000), WorkingHours(10_800, 86_400))},  # 00:00-02:30, 03:00-24:00
)


@settings(max_examples=100, deadline=None)
@given(calendars(), nearby, nearby)
@example(
    SPRING_FORWARD_BERLIN,
    datetime(2026, 3, 28, 23, tzinfo=UTC),
    datetime(2026, 3, 29, 22, tzinfo=UTC),
)
def test_business_time_never_exceeds_elapsed_time(calendar, t1, t2):
    a, b = sorted((t1, t2))
    assert business_seconds_between(calendar, a, b) <= (b - a).total_seconds()
