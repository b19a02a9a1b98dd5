"""QC use cases: follow the ticket's events into its case; claim and submit inspections;
keep each tenant's QC policy."""

from uuid import UUID

from services.qc.app.changes import Change
from services.qc.app.ports import NewUnitOfWork, QcUnitOfWork
from services.qc.domain import follow_ups
from services.qc.domain.cases import InspectionState, QcCase, QcPolicy, Verdict
from services.qc.domain.visits import Call
from shared.errors import NotFound
from shared.events import Actor

CONSUMER = "qc"


async def policy_of(uow: QcUnitOfWork, tenant_id: str) -> QcPolicy:
    return await uow.policies.get(tenant_id) or QcPolicy()


async def store(uow: QcUnitOfWork, case: QcCase) -> None:
    await uow.cases.save(case)
    uow.publish(*case.events)
    for returned in case.returns:
        uow.send_return(returned)
    await uow.commit()


async def on_ticket_event(
    event_id: UUID, ticket_id: str, tenant_id: str, change: Change, new_uow: NewUnitOfWork
) -> None:
    """What one event says about a ticket goes into its case, which then decides what it
    can (inspect, or return upstream) — in whatever order the events came."""
    async with new_uow() as uow:
        if await uow.already_processed(CONSUMER, event_id):
            return
        case = await uow.cases.get(ticket_id) or QcCase(ticket_id, tenant_id)
        change(case)
        case.advance(await policy_of(uow, tenant_id), uow.now())
        await store(uow, case)


async def _inspection(uow: QcUnitOfWork, ticket_id: str) -> QcCase:
    case = await uow.cases.get(ticket_id)
    if case is None or case.inspection is None:
        raise NotFound(f"no inspection of ticket {ticket_id}")
    return case


async def claim(ticket_id: str, inspector: Actor, new_uow: NewUnitOfWork) -> QcCase:
    async with new_uow() as uow:
        case = await _inspection(uow, ticket_id)
        case.claim(inspector)
        await store(uow, case)
    return case


async def submit(
    ticket_id: str, inspector: Actor, verdict: Verdict, new_uow: NewUnitOfWork
) -> QcCase:
    async with new_uow() as uow:
        case = await _inspection(uow, ticket_id)
        case.submit(inspector, verdict, await policy_of(uow, case.tenant_id), uow.now())
        await store(uow, case)
    return case


async def call(ticket_id: str, operator: Actor, made: Call, new_uow: NewUnitOfWork) -> QcCase:
    async with new_uow() as uow:
        case = await uow.cases.get(ticket_id)
        if case is None:
            raise NotFound(f"no return visit of ticket {ticket_id}")
        case.call(operator, made, await policy_of(uow, case.tenant_id), uow.now())
        await store(uow, case)
    return case


async def follow_up(
    ticket_id: str, operator: Actor, description: str, new_uow: NewUnitOfWork
) -> QcCase:
    """A dissatisfied customer's matter as a new ticket linked to this one, via intake."""
    async with new_uow() as uow:
        case = await uow.cases.get(ticket_id)
        if case is None:
            raise NotFound(f"no return visit of ticket {ticket_id}")
        uow.submit_upstream(follow_ups.follow_up(case, operator, description))
        await store(uow, case)
    return case


async def due_visits(tenant_id: str, limit: int, new_uow: NewUnitOfWork) -> list[QcCase]:
    async with new_uow() as uow:
        return await uow.cases.due_visits(tenant_id, uow.now(), limit)


async def get_inspection(ticket_id: str, new_uow: NewUnitOfWork) -> QcCase:
    async with new_uow() as uow:
        return await _inspection(uow, ticket_id)


async def inspections(
    tenant_id: str, state: InspectionState, limit: int, new_uow: NewUnitOfWork
) -> list[QcCase]:
    async with new_uow() as uow:
        return await uow.cases.inspections(tenant_id, state, limit)


async def put_policy(tenant_id: str, policy: QcPolicy, new_uow: NewUnitOfWork) -> QcPolicy:
    async with new_uow() as uow:
        await uow.policies.put(tenant_id, policy)
        await uow.commit()
    return policy


async def get_policy(tenant_id: str, new_uow: NewUnitOfWork) -> QcPolicy:
    async with new_uow() as uow:
        return await policy_of(uow, tenant_id)
