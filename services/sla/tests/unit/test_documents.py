"""The MongoDB documents hold everything the domain needs: a round trip changes nothing."""

from datetime import UTC, date, datetime, timedelta

from services.sla.adapters.documents import (
    calendar_document,
    calendar_from,
    policy_from,
    ticket_document,
    ticket_from,
)
from services.sla.domain.calendar import Calendar, WorkingHours, always_open, weekly_hours
from services.sla.domain.policy import TicketFacts, default_policies
from services.sla.domain.ticket_sla import TicketSla
from shared.events.vocabulary import Priority, Severity, TicketStatus, TicketType

T0 = datetime(2026, 3, 2, 8, tzinfo=UTC)


def test_a_calendar_survives_the_round_trip():
    calendar = Calendar(
        zone="Europe/Berlin",
        weekly=weekly_hours(range(5), "09:00-12:00", "13:00-18:00"),
        holidays=frozenset({date(2026, 12, 25)}),
        extra_working_days={date(2026, 9, 27): (WorkingHours.parse("10:00-24:00"),)},
    )
    assert calendar_from(calendar_document(calendar)) == calendar


def test_every_default_policy_survives_the_round_trip():
    for policy in default_policies():
        assert policy_from(policy.as_plain()) == policy


def test_a_ticket_with_pauses_firings_and_auto_close_survives_the_round_trip():
    cal = always_open()
    facts = TicketFacts(TicketType.INCIDENT, Severity.URGENT, Priority.P2, "vip-line")
    sla = TicketSla.register("t-1", "acme", facts, T0, TicketStatus.ASSIGNED)
    sla.apply_policy(default_policies()[3], cal)
    sla.record_status(TicketStatus.ON_HOLD, T0 + timedelta(minutes=10))
    sla.record_status(TicketStatus.IN_PROGRESS, T0 + timedelta(minutes=20))
    sla.evaluate(cal, T0 + timedelta(hours=3))
    sla.reach("accepted", T0 + timedelta(hours=3))
    sla.resolve(T0 + timedelta(hours=4), cal, autoclose_days=3)
    sla.events.clear()
    assert ticket_from(ticket_document(sla)) == sla
