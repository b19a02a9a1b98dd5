"""Running one command on one work order: load, version check, act, save, publish, commit."""

from collections.abc import Awaitable, Callable
from typing import TypeVar

from pydantic import ValidationError

from services.dispatch.app import outages
from services.dispatch.app.ports import DispatchUnitOfWork, NewUnitOfWork
from services.dispatch.domain.values import ChangeRecord, FollowUp, ProblemRecord
from services.dispatch.domain.work_order import WorkOrder
from shared.errors import Conflict, NotFound
from shared.events.submissions import Contact, Submission
from shared.retry import retry_transient

T = TypeVar("T")
Act = Callable[[WorkOrder, DispatchUnitOfWork], Awaitable[T]]


async def load(uow: DispatchUnitOfWork, ticket_id: str, expected_version: int | None) -> WorkOrder:
    order = await uow.work_orders.get(ticket_id)
    if order is None:
        raise NotFound(f"no work order for ticket {ticket_id}")
    if expected_version is not None and expected_version != order.version:
        raise Conflict(
            f"ticket {ticket_id} is at version {order.version}, not {expected_version}",
            allowed=order.allowed_commands,
        )
    return order


async def execute(
    new_uow: NewUnitOfWork, ticket_id: str, expected_version: int | None, act: Act[T]
) -> tuple[WorkOrder, T]:
    """Run ``act`` in one transaction; a write race re-runs it on the fresh state."""

    async def attempt() -> tuple[WorkOrder, T]:
        async with new_uow() as uow:
            order = await load(uow, ticket_id, expected_version)
            steps = len(order.history)
            result = await act(order, uow)
            if len(order.history) == steps:
                return order, result  # nothing happened: no write, no event
            await keep(uow, order, result)
            await uow.work_orders.update(order)
            uow.publish(*order.events)
            await outages.resolve_children(uow, order)
            await uow.commit()
            return order, result

    return await retry_transient(attempt)


async def keep(uow: DispatchUnitOfWork, order: WorkOrder, result: object) -> None:
    """Store what a command created next to the ticket (problem, change, follow-up)."""
    if isinstance(result, ProblemRecord):
        await uow.records.add_problem(result)
    elif isinstance(result, ChangeRecord):
        await uow.records.add_change(result)
    elif isinstance(result, FollowUp):
        uow.submit_upstream(follow_up_submission(order, result), key=order.ticket_id)


def follow_up_submission(order: WorkOrder, follow_up: FollowUp) -> Submission:
    """The reply (or the tracked follow-up) as a new submission related to the ticket
    (归档 is final)."""
    step = len(order.history)
    contact = _reply_contact(order, follow_up)
    prefix = follow_up.subject_prefix
    return Submission(
        tenant_id=order.tenant_id,
        source=order.source,
        external_ref=follow_up.external_ref or f"{order.number}-reply-{step}"[:128],
        type=order.type,
        subject=f"{prefix}: {order.subject}"[:200]
        if order.subject
        else f"{prefix}: {order.number}",
        description=follow_up.message,
        contact=contact,
        account_id=order.account_id,
        service=order.service,
        needs_onsite=order.needs_onsite,
        related_to=order.ticket_id,
    )


def _reply_contact(order: WorkOrder, follow_up: FollowUp) -> Contact | None:
    """The ticket's contact if today's rules still accept it; else the one who replied."""
    if order.contact is None:
        return None if order.account_id is not None else Contact(contact_id=follow_up.replied_by)
    try:
        return Contact.model_validate(order.contact.model_dump())
    except ValidationError:
        # Recorded by an older version with laxer rules: reach the customer via the replier.
        return Contact(contact_id=follow_up.replied_by)
