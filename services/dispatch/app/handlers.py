"""Dispatch use cases of the walking skeleton: open and assign a registered ticket."""

from collections.abc import Sequence

from services.dispatch.app.ports import NewUnitOfWork
from services.dispatch.domain.assignment import AssignmentRule, choose_assignment
from services.dispatch.domain.work_order import WorkOrder
from shared.errors import NotFound
from shared.events import SYSTEM_ACTOR, TicketRegistered
from shared.events.vocabulary import TicketStatus

CONSUMER = "dispatch"


async def on_ticket_registered(
    event: TicketRegistered,
    new_uow: NewUnitOfWork,
    rules: Sequence[AssignmentRule],
    dispatch_centre: str,
) -> None:
    async with new_uow() as uow:
        if await uow.already_processed(CONSUMER, event.event_id):
            return
        order = WorkOrder.open(event)
        if order.status is TicketStatus.NEW:
            rule = choose_assignment(rules, order.type, dispatch_centre)
            reason = "assignment rule" if rule.assignee != dispatch_centre else "no rule matched"
            order.assign(rule.assignee, rule.group, reason, SYSTEM_ACTOR, uow.now())
        await uow.work_orders.add(order)
        uow.publish(*order.events)
        await uow.commit()


async def get_work_order(ticket_id: str, new_uow: NewUnitOfWork) -> WorkOrder:
    async with new_uow() as uow:
        order = await uow.work_orders.get(ticket_id)
    if order is None:
        raise NotFound(f"no work order for ticket {ticket_id}")
    return order
