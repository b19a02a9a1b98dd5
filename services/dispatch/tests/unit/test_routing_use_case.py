"""Routing with the directory faked: rules, least load, geo fallback, the centre queue."""

from services.dispatch.app.consumers import on_ticket_registered
from services.dispatch.app.routing import Routing, route
from services.dispatch.domain.routing_rules import RoutingRule
from services.dispatch.tests.unit.builders import order
from services.dispatch.tests.unit.fakes import FakeDirectory, FakeUnitOfWork, FakeWorkOrders
from shared.events.vocabulary import TicketStatus
from shared.testing.builders import ticket_registered

CARE = RoutingRule(rule_id="care", order=1, region="chaoyang", group="care")


def setup(directory: FakeDirectory, load: dict[str, int] | None = None):
    uow = FakeUnitOfWork(FakeWorkOrders(load=load), directory)
    return Routing("centre"), uow


async def test_a_matching_rule_assigns_the_least_loaded_member_of_its_group():
    routing, uow = setup(FakeDirectory([CARE], {"care": ["zhao", "qian"]}), {"zhao": 4, "qian": 1})
    wo = order(region="chaoyang")
    await route(routing, uow, wo)
    assert (wo.status, wo.assignee, wo.group) == (TicketStatus.ASSIGNED, "qian", "care")
    assert wo.events[0].payload.reason == "routing rule care"


def with_static_rules(*rules: RoutingRule, directory: FakeDirectory):
    _, uow = setup(directory)
    return Routing("centre", rules), uow


async def test_tenant_rules_come_before_the_deployment_wide_ones_whatever_their_order():
    static = RoutingRule(order=0, assignee="static.person")
    routing, uow = with_static_rules(static, directory=FakeDirectory([CARE], {"care": ["zhao"]}))
    wo = order(region="chaoyang")
    await route(routing, uow, wo)
    assert (wo.assignee, wo.events[0].payload.reason) == ("zhao", "routing rule care")


async def test_deployment_wide_rules_route_what_no_tenant_rule_matches():
    static = RoutingRule(order=5, rule_id="fallback", assignee="static.person")
    routing, uow = with_static_rules(static, directory=FakeDirectory([CARE], {"care": ["zhao"]}))
    wo = order(region="haidian")
    await route(routing, uow, wo)
    assert (wo.assignee, wo.events[0].payload.reason) == ("static.person", "routing rule fallback")


async def test_without_anyone_on_duty_the_nearest_staffed_station_takes_it():
    directory = FakeDirectory([CARE], {"care": [], "east": [], "west": ["chen"]}, ["east", "west"])
    routing, uow = setup(directory)
    wo = order(region="chaoyang", lon=116.4, lat=39.9)
    await route(routing, uow, wo)
    assert (wo.assignee, wo.group) == ("chen", "west")


async def test_without_coordinates_there_is_no_geo_fallback_and_the_centre_queues_it():
    routing, uow = setup(FakeDirectory([], {"west": ["chen"]}, ["west"]))
    wo = order()
    await route(routing, uow, wo)
    assert (wo.status, wo.assignee, wo.group, wo.events) == (TicketStatus.NEW, None, "centre", [])


async def test_a_redelivered_registration_has_one_effect():
    routing, uow = setup(FakeDirectory([RoutingRule(order=1, assignee="li.wei")]))
    event = ticket_registered("t-7")
    await on_ticket_registered(lambda: uow, routing, event)
    await on_ticket_registered(lambda: uow, routing, event)
    assert [e.event_type for e in uow.published] == ["ticket.assigned", "ticket.status_changed"]
    assert uow.work_orders.saved["t-7"].assignee == "li.wei"
