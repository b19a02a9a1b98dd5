"""Rule order and criteria, and the least-load pick within a group."""

import pytest
from pydantic import ValidationError

from services.dispatch.domain.routing_rules import RoutingRule, least_loaded, matching_rule
from services.dispatch.tests.unit.builders import order
from shared.events.vocabulary import Severity, TicketType

TICKET = order(
    type=TicketType.COMPLAINT, service="broadband", region="chaoyang", tags=["fibre", "vip"]
)


def rule(order_: int, group: str, **criteria: object) -> RoutingRule:
    return RoutingRule(rule_id=group, order=order_, group=group, **criteria)


def test_the_lowest_order_wins_whatever_the_listing_order():
    rules = [
        rule(20, "late", ticket_type=TicketType.COMPLAINT),
        rule(10, "early", region="chaoyang"),
    ]
    chosen = matching_rule(rules, TICKET)
    assert chosen is not None
    assert chosen.group == "early"


def test_equal_orders_keep_the_listed_order():
    rules = [rule(1, "first"), rule(1, "second")]
    chosen = matching_rule(rules, TICKET)
    assert chosen is not None
    assert chosen.group == "first"


@pytest.mark.parametrize(
    ("criteria", "matches"),
    [
        ({"ticket_type": TicketType.COMPLAINT}, True),
        ({"ticket_type": TicketType.INCIDENT}, False),
        ({"service": "broadband", "region": "chaoyang"}, True),
        ({"service": "iptv"}, False),
        ({"region": "haidian"}, False),
        ({"tags": ("fibre",)}, True),
        ({"tags": ("fibre", "vip")}, True),
        ({"tags": ("fibre", "copper")}, False),
        ({"severity": Severity.NORMAL}, True),
        ({"severity": Severity.MAJOR}, False),
        ({}, True),
    ],
)
def test_every_given_criterion_must_hold(criteria, matches):
    assert rule(1, "g", **criteria).matches(TICKET) is matches


def test_no_matching_rule_is_none():
    assert matching_rule([rule(1, "g", region="haidian")], TICKET) is None


def test_a_rule_needs_a_target():
    with pytest.raises(ValidationError):
        RoutingRule(order=1, region="x")


def test_the_member_with_the_least_open_load_is_picked():
    assert least_loaded(["a", "b", "c"], {"a": 3, "b": 1, "c": 2}) == "b"


def test_members_without_open_tickets_count_as_zero():
    assert least_loaded(["a", "b"], {"a": 1}) == "b"


def test_a_tie_goes_to_the_first_on_the_roster():
    assert least_loaded(["zhao", "an", "li"], {"zhao": 1, "an": 1, "li": 1}) == "zhao"


def test_nobody_on_duty_is_none():
    assert least_loaded([], {}) is None
