"""Routing a new ticket: the tenant's rules, then the deployment-wide rules, then the nearest
station, then the dispatch centre."""

from collections.abc import Sequence
from dataclasses import dataclass

from services.dispatch.app.ports import DispatchUnitOfWork
from services.dispatch.domain.routing_rules import RoutingRule, least_loaded, matching_rule
from services.dispatch.domain.work_order import WorkOrder
from shared.events import SYSTEM_ACTOR

NEAREST_STATIONS = 3


@dataclass(frozen=True)
class Routing:
    """Where a ticket goes that no rule or station takes, and the rules that apply after a
    tenant's own (deployment-wide defaults from settings)."""

    dispatch_centre: str
    static_rules: Sequence[RoutingRule] = ()


async def route(routing: Routing, uow: DispatchUnitOfWork, order: WorkOrder) -> None:
    """Assign ``order`` (status new) to one person, or leave it in the centre's queue."""
    found = await _by_rule(routing, uow, order) or await _by_station(uow, order)
    if found is None:
        order.group = routing.dispatch_centre
        return
    assignee, group, reason = found
    order.assign(assignee, group, reason, SYSTEM_ACTOR, uow.now())


async def _by_rule(
    routing: Routing, uow: DispatchUnitOfWork, order: WorkOrder
) -> tuple[str, str | None, str] | None:
    # A tenant's own rules first; the deployment-wide ones are the fallback after them.
    tenant_rules = await uow.directory.routing_rules(order.tenant_id)
    rule = matching_rule(tenant_rules, order) or matching_rule(routing.static_rules, order)
    if rule is None:
        return None
    reason = f"routing rule {rule.rule_id or rule.order}"
    if rule.assignee is not None:
        return rule.assignee, rule.group, reason
    assert rule.group is not None  # a rule without assignee names a group
    member = await _least_loaded_member(uow, order.tenant_id, rule.group)
    return (member, rule.group, reason) if member else None


async def _by_station(
    uow: DispatchUnitOfWork, order: WorkOrder
) -> tuple[str, str | None, str] | None:
    if order.lon is None or order.lat is None:
        return None
    groups = await uow.directory.nearest_station_groups(
        order.tenant_id, order.lon, order.lat, NEAREST_STATIONS
    )
    for group in groups:
        member = await _least_loaded_member(uow, order.tenant_id, group)
        if member:
            return member, group, f"nearest station of {group}"
    return None


async def _least_loaded_member(uow: DispatchUnitOfWork, tenant_id: str, group: str) -> str | None:
    on_duty = await uow.directory.on_duty(tenant_id, group)
    if not on_duty:
        return None
    return least_loaded(on_duty, await uow.work_orders.open_load(tenant_id, on_duty))
