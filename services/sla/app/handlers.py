"""SLA use cases: follow the ticket's events, fire due timers, explain a ticket's SLA."""

from services.sla.app.ports import NewUnitOfWork, SlaUnitOfWork
from services.sla.domain.calendar import default_calendar
from services.sla.domain.policy import (
    TenantSettings,
    TicketFacts,
    default_policies,
    select_policy,
    with_settings,
)
from services.sla.domain.reactions import Rules, react
from services.sla.domain.ticket_sla import TicketSla
from services.sla.domain.timeline import SlaTimeline, timeline
from shared.errors import NotFound
from shared.events import EventEnvelope, TicketRegistered
from shared.events.intake import TicketReleased
from shared.events.vocabulary import TicketStatus

CONSUMER = "sla"


class TicketNotRegisteredYet(Exception):
    """An intake event for a ticket that was never registered (same topic: a bug upstream)."""


async def load_rules(uow: SlaUnitOfWork, tenant_id: str, autoclose_days: int) -> Rules:
    """The tenant's calendar and policies, as its settings make them apply."""
    calendar = await uow.calendars.get(tenant_id) or default_calendar()
    policies = await uow.policies.get(tenant_id)
    settings = await uow.settings.get(tenant_id) or TenantSettings()
    chosen = default_policies() if policies is None else policies
    return Rules(calendar, with_settings(chosen, settings), autoclose_days)


async def _store(uow: SlaUnitOfWork, sla: TicketSla, rules: Rules, new: bool = False) -> None:
    now = uow.now()
    sla.evaluate(rules.calendar, now)
    due = sla.next_due_at(rules.calendar, now)
    await (uow.tickets.add(sla, due) if new else uow.tickets.save(sla, due))
    uow.publish(*sla.events)
    await uow.commit()


async def on_ticket_registered(
    event: TicketRegistered, new_uow: NewUnitOfWork, autoclose_days: int
) -> None:
    """Clocks start at registration; a quarantined ticket's start when it is released.

    Dispatch events that overtook the registration (another topic) were parked; they are
    applied now, in the order they arrived.
    """
    p = event.payload
    async with new_uow() as uow:
        if await uow.already_processed(CONSUMER, event.event_id):
            return
        if await uow.tickets.get(event.ticket_id) is not None:
            return  # the same ticket announced again under another event id
        facts = TicketFacts(p.type, p.severity, p.priority, p.service)
        sla = TicketSla.register(event.ticket_id, event.tenant_id, facts, p.registered_at, p.status)
        rules = await load_rules(uow, event.tenant_id, autoclose_days)
        if p.status is not TicketStatus.QUARANTINED:
            sla.apply_policy(select_policy(rules.policies, facts), rules.calendar)
        for parked in await uow.pending.take(event.ticket_id):
            react(sla, parked, rules)
        await _store(uow, sla, rules, new=True)


async def on_ticket_released(event: TicketReleased, new_uow: NewUnitOfWork) -> None:
    async with new_uow() as uow:
        if await uow.already_processed(CONSUMER, event.event_id):
            return
        sla = await _existing(uow, event.ticket_id)
        rules = await load_rules(uow, sla.tenant_id, 0)
        sla.release(event.occurred_at, event.payload.status)
        sla.apply_policy(select_policy(rules.policies, sla.facts), rules.calendar)
        await _store(uow, sla, rules)


async def on_dispatch_event(
    event: EventEnvelope, new_uow: NewUnitOfWork, autoclose_days: int
) -> None:
    async with new_uow() as uow:
        if await uow.already_processed(CONSUMER, event.event_id):
            return
        sla = await uow.tickets.get(event.ticket_id)
        if sla is None:
            await uow.pending.park(event)
            await uow.commit()
            return
        rules = await load_rules(uow, sla.tenant_id, autoclose_days)
        react(sla, event, rules)
        await _store(uow, sla, rules)


async def on_qc_event(event: EventEnvelope, new_uow: NewUnitOfWork, autoclose_days: int) -> None:
    """Quality control's events start and stop the inspection and appeal clocks. Like a
    dispatch event, one that overtakes its ticket's registration is parked until then."""
    await on_dispatch_event(event, new_uow, autoclose_days)


async def fire_due(ticket_id: str, new_uow: NewUnitOfWork) -> int:
    """Fire what is due on one ticket; idempotent (what fired is stored with the events)."""
    async with new_uow() as uow:
        sla = await uow.tickets.get(ticket_id)
        if sla is None:
            return 0
        await _store(uow, sla, await load_rules(uow, sla.tenant_id, 0))
        return len(sla.events)


async def recompute(ticket_id: str, new_uow: NewUnitOfWork) -> None:
    """Re-select the policy and retarget every clock after a calendar or policy change."""
    async with new_uow() as uow:
        sla = await uow.tickets.get(ticket_id)
        if sla is None:
            return
        rules = await load_rules(uow, sla.tenant_id, 0)
        if sla.status is not TicketStatus.QUARANTINED:
            sla.apply_policy(select_policy(rules.policies, sla.facts), rules.calendar)
        await _store(uow, sla, rules)


async def get_timeline(ticket_id: str, new_uow: NewUnitOfWork) -> SlaTimeline:
    async with new_uow() as uow:
        sla = await uow.tickets.get(ticket_id)
        if sla is None:
            raise NotFound(f"no SLA for ticket {ticket_id}")
        rules = await load_rules(uow, sla.tenant_id, 0)
        return timeline(sla, rules.calendar, uow.now())


async def _existing(uow: SlaUnitOfWork, ticket_id: str) -> TicketSla:
    sla = await uow.tickets.get(ticket_id)
    if sla is None:
        raise TicketNotRegisteredYet(ticket_id)
    return sla
