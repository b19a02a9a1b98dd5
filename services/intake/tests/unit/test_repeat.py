from datetime import UTC, datetime, timedelta

import pytest

from services.intake.domain.repeat import Candidate, Prior, RepeatRule, find_original
from shared.events.vocabulary import TicketType

NOW = datetime(2026, 3, 7, 12, 0, tzinfo=UTC)
RULE = RepeatRule(timedelta(hours=4), frozenset({TicketType.COMPLAINT}))
PHONE = frozenset({"phone:+8613800000000"})


def prior(**overrides):
    fields: dict = {
        "ticket_id": "t-1",
        "contact_keys": PHONE,
        "type": TicketType.COMPLAINT,
        "service": "parcel",
        "registered_at": NOW - timedelta(hours=1),
        "open": True,
    } | overrides
    return Prior(**fields)


def candidate(**overrides):
    fields: dict = {
        "contact_keys": PHONE,
        "type": TicketType.COMPLAINT,
        "service": "parcel",
        "at": NOW,
    } | overrides
    return Candidate(**fields)


def test_a_complaint_within_the_window_of_an_open_one_repeats_it():
    assert find_original(candidate(), [prior()], RULE) == prior()


@pytest.mark.parametrize("age", [timedelta(0), timedelta(hours=4)])
def test_the_window_includes_both_ends(age):
    assert find_original(candidate(), [prior(registered_at=NOW - age)], RULE) is not None


def test_outside_the_window_it_is_a_new_complaint():
    old = prior(registered_at=NOW - timedelta(hours=4, seconds=1))
    assert find_original(candidate(), [old], RULE) is None


@pytest.mark.parametrize(
    "other",
    [
        {"contact_keys": frozenset({"phone:+8613911111111"})},  # another contact
        {"type": TicketType.INCIDENT},  # another type
        {"service": "billing"},  # another service
        {"open": False},  # the original was closed
    ],
)
def test_only_an_open_ticket_of_the_same_contact_type_and_service_counts(other):
    assert find_original(candidate(), [prior(**other)], RULE) is None


def test_the_contact_matches_on_any_shared_identity():
    by_id = prior(contact_keys=frozenset({"id:c-7", "email:a@b.cn"}))
    assert find_original(candidate(contact_keys=frozenset({"id:c-7"})), [by_id], RULE) == by_id


def test_the_earliest_open_original_is_chosen():
    first = prior(ticket_id="t-1", registered_at=NOW - timedelta(hours=3))
    second = prior(ticket_id="t-2", registered_at=NOW - timedelta(hours=1))
    assert find_original(candidate(), [second, first], RULE) == first


def test_a_type_outside_the_rule_never_repeats():
    incident = candidate(type=TicketType.INCIDENT)
    assert find_original(incident, [prior(type=TicketType.INCIDENT)], RULE) is None


def test_a_tenant_may_ignore_the_service_or_extend_the_types():
    lax = RepeatRule(timedelta(hours=4), frozenset(TicketType), same_service=False)
    incident = candidate(type=TicketType.INCIDENT, service=None)
    assert find_original(incident, [prior(type=TicketType.INCIDENT)], lax) is not None


def test_without_a_contact_or_window_nothing_repeats():
    assert find_original(candidate(contact_keys=frozenset()), [prior()], RULE) is None
    off = RepeatRule(timedelta(0), RULE.types)
    assert find_original(candidate(), [prior()], off) is None
