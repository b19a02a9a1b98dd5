"""Calendar arithmetic to the second: the cases a service desk meets."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from services.sla.domain.calendar import (
    Calendar,
    CalendarError,
    WorkingHours,
    add_business_seconds,
    always_open,
    business_seconds_between,
    end_of_nth_business_day,
    expand_dates,
    weekly_hours,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")
HOUR = 3600


def at(day: str, clock: str, zone: ZoneInfo = SHANGHAI) -> datetime:
    return datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=zone)


def office(**kwargs) -> Calendar:
    """Mon–Fri 09:00–12:00 and 13:00–18:00 (lunch break), 8 h a day."""
    return Calendar(weekly=weekly_hours(range(5), "09:00-12:00", "13:00-18:00"), **kwargs)


# 2026-11-23 is a Monday.


def test_created_after_hours_starts_at_the_next_opening():
    due = add_business_seconds(office(), at("2026-11-23", "20:15"), HOUR)
    assert due == at("2026-11-24", "10:00")


def test_created_before_opening_starts_at_opening():
    due = add_business_seconds(office(), at("2026-11-23", "06:00"), 30 * 60)
    assert due == at("2026-11-23", "09:30")


def test_a_friday_evening_ticket_waits_for_monday():
    due = add_business_seconds(office(), at("2026-11-27", "17:30"), HOUR)
    assert due == at("2026-11-30", "09:30")


def test_lunch_break_is_not_business_time():
    cal = office()
    assert add_business_seconds(cal, at("2026-11-23", "11:30"), HOUR) == at("2026-11-23", "13:30")
    assert business_seconds_between(cal, at("2026-11-23", "11:00"), at("2026-11-23", "14:00")) == (
        2 * HOUR
    )


def test_ending_exactly_at_close_is_due_at_close_not_next_morning():
    due = add_business_seconds(office(), at("2026-11-23", "17:00"), HOUR)
    assert due == at("2026-11-23", "18:00")


def test_zero_seconds_is_the_start_itself():
    start = at("2026-11-23", "20:00")
    assert add_business_seconds(office(), start, 0) == start


def test_a_holiday_is_skipped():
    cal = office(holidays=frozenset({date(2026, 11, 24)}))
    due = add_business_seconds(cal, at("2026-11-23", "17:00"), 2 * HOUR)
    assert due == at("2026-11-25", "10:00")


def test_a_holiday_range_is_skipped():
    cal = office(holidays=expand_dates(date(2026, 10, 1), date(2026, 10, 7)))
    assert add_business_seconds(cal, at("2026-09-30", "17:00"), 2 * HOUR) == at(
        "2026-10-08", "10:00"
    )


def test_a_make_up_saturday_counts_with_its_own_hours():
    saturday = date(2026, 11, 28)
    cal = office(extra_working_days={saturday: (WorkingHours.parse("10:00-16:00"),)})
    assert add_business_seconds(cal, at("2026-11-27", "17:00"), 2 * HOUR) == at(
        "2026-11-28", "11:00"
    )
    assert business_seconds_between(cal, at("2026-11-28", "00:00"), at("2026-11-29", "00:00")) == (
        6 * HOUR
    )


def test_a_date_that_is_both_a_holiday_and_a_make_up_day_is_refused_by_name():
    day = date(2026, 11, 28)
    with pytest.raises(CalendarError, match="2026-11-28: a date cannot be both"):
        office(
            holidays=frozenset({day}), extra_working_days={day: weekly_hours([0], "09:00-10:00")[0]}
        )


def test_a_make_up_day_without_hours_is_refused():
    with pytest.raises(CalendarError, match="extra working day 2026-09-27 has no working hours"):
        office(extra_working_days={date(2026, 9, 27): ()})


def test_three_working_days_is_not_72_hours():
    cal = office()
    friday = at("2026-11-27", "10:00")
    due = end_of_nth_business_day(cal, friday, 3)
    assert due == at("2026-12-02", "18:00")  # Mon, Tue, Wed
    assert due != friday + timedelta(hours=72)


def test_working_days_skip_holidays_and_count_make_up_days():
    saturday = date(2026, 11, 28)
    cal = office(
        holidays=frozenset({date(2026, 11, 30)}),
        extra_working_days={saturday: (WorkingHours.parse("09:00-17:00"),)},
    )
    assert end_of_nth_business_day(cal, at("2026-11-27", "10:00"), 2) == at("2026-12-01", "18:00")
    assert end_of_nth_business_day(cal, at("2026-11-27", "10:00"), 1) == at("2026-11-28", "17:00")


def test_working_days_from_a_weekend_start_the_next_business_day():
    cal = office()
    assert end_of_nth_business_day(cal, at("2026-11-28", "12:00"), 1) == at("2026-11-30", "18:00")


def test_a_span_that_ends_before_it_starts_is_an_error_not_zero():
    with pytest.raises(ValueError, match="ends before it starts"):
        business_seconds_between(office(), at("2026-11-24", "10:00"), at("2026-11-23", "10:00"))
    assert (
        business_seconds_between(office(), at("2026-11-24", "10:00"), at("2026-11-24", "10:00"))
        == 0
    )


def test_business_time_across_a_weekend():
    cal = office()
    assert business_seconds_between(cal, at("2026-11-27", "17:00"), at("2026-11-30", "10:00")) == (
        2 * HOUR
    )


def test_results_do_not_depend_on_the_zone_of_the_input():
    cal = office()
    local = at("2026-11-23", "20:15")
    assert add_business_seconds(cal, local.astimezone(UTC), HOUR) == add_business_seconds(
        cal, local, HOUR
    )


def test_fractional_input_keeps_its_fraction():
    start = at("2026-11-23", "10:00") + timedelta(microseconds=250_000)
    due = add_business_seconds(office(), start, 10)
    assert due - start == timedelta(seconds=10)
    assert business_seconds_between(office(), start, due) == 10


# Europe/Berlin: summer time starts 2026-03-29 02:00 → 03:00 and ends 2026-10-25 03:00 → 02:00.


def test_spring_forward_day_has_23_hours_on_a_24x7_calendar():
    cal = always_open("Europe/Berlin")
    start, end = at("2026-03-29", "00:00", BERLIN), at("2026-03-30", "00:00", BERLIN)
    assert business_seconds_between(cal, start, end) == 23 * HOUR
    assert add_business_seconds(cal, start, 23 * HOUR) == end


def test_fall_back_day_has_25_hours_on_a_24x7_calendar():
    cal = always_open("Europe/Berlin")
    start, end = at("2026-10-25", "00:00", BERLIN), at("2026-10-26", "00:00", BERLIN)
    assert business_seconds_between(cal, start, end) == 25 * HOUR


def test_office_hours_keep_their_wall_clock_across_dst():
    cal = office(zone="Europe/Berlin")
    friday_before_spring = at("2026-03-27", "17:30", BERLIN)
    due = add_business_seconds(cal, friday_before_spring, HOUR)
    assert due == at("2026-03-30", "09:30", BERLIN)
    assert due.astimezone(UTC).hour == 7  # CEST, UTC+2
    friday_before_fall = at("2026-10-23", "17:30", BERLIN)
    assert add_business_seconds(cal, friday_before_fall, HOUR).astimezone(UTC) == datetime(
        2026, 10, 26, 8, 30, tzinfo=UTC
    )  # CET, UTC+1


def test_an_interval_inside_the_dst_gap_shrinks():
    cal = Calendar(zone="Europe/Berlin", weekly=weekly_hours(range(7), "01:00-04:00"))
    day = at("2026-03-29", "00:00", BERLIN)
    assert business_seconds_between(cal, day, day + timedelta(days=1)) == 2 * HOUR


def test_a_calendar_without_working_hours_is_refused():
    with pytest.raises(CalendarError):
        Calendar(weekly={})


def test_overlapping_hours_are_refused():
    with pytest.raises(CalendarError, match="overlap"):
        Calendar(weekly=weekly_hours([0], "09:00-12:00", "11:00-13:00"))


def test_an_unknown_zone_is_refused():
    with pytest.raises(CalendarError, match="zone"):
        Calendar(zone="Mars/Olympus", weekly=weekly_hours([0], "09:00-10:00"))


@pytest.mark.parametrize(
    "text", ["25:00-26:00", "09:60-10:00", "10:00-09:00", "x-y", "24:30-24:40"]
)
def test_malformed_hours_are_refused(text):
    with pytest.raises(CalendarError):
        WorkingHours.parse(text)


def test_a_calendar_whose_every_day_is_a_holiday_fails_loudly():
    cal = Calendar(weekly=weekly_hours([0], "09:00-10:00"))
    all_mondays = frozenset(date(2026, 1, 5) + timedelta(weeks=w) for w in range(400))
    blocked = Calendar(weekly=cal.weekly, holidays=all_mondays)
    with pytest.raises(CalendarError):
        add_business_seconds(blocked, at("2026-01-01", "00:00"), 10)
