"""Following every ticket event: update the ticket as notify knows it, plan who is told
what on which channel, and queue webhook deliveries — in the event's own transaction, so a
redelivered event plans nothing twice."""

from datetime import datetime
from typing import Any

from services.notify.app.notices import reading_of
from services.notify.app.ports import NewUnitOfWork, NotifyUnitOfWork
from services.notify.domain.channels import Channel
from services.notify.domain.deliveries import Delivery, delivery_id
from services.notify.domain.planning import Addressee, Planned, Reason, plan
from services.notify.domain.preferences import Person, TenantNotifySettings, zone
from services.notify.domain.rendering import context
from services.notify.domain.rules import (
    CONTACT,
    ROSTER_AUDIENCES,
    Notice,
    Recipient,
    Roster,
    recipients,
)
from services.notify.domain.tickets import FollowedTicket
from shared.events import EventEnvelope
from shared.events.notify import DeliveryStatus

CONSUMER = "notify"


async def settings_of(uow: NotifyUnitOfWork, tenant_id: str) -> TenantNotifySettings:
    return await uow.settings.get(tenant_id) or TenantNotifySettings()


async def on_event(event: EventEnvelope, new_uow: NewUnitOfWork) -> None:
    async with new_uow() as uow:
        if await uow.already_processed(CONSUMER, event.event_id):
            return
        await _follow(event, uow)


async def _follow(event: EventEnvelope, uow: NotifyUnitOfWork) -> None:
    ticket = await uow.tickets.get(event.ticket_id) or FollowedTicket(
        event.ticket_id, event.tenant_id
    )
    notices = reading_of(event).apply(event, ticket)
    await uow.tickets.save(ticket)
    planned: list[Delivery] = []
    if notices:
        tenant = await settings_of(uow, event.tenant_id)
        for notice in notices:
            planned += await _deliveries(uow, notice, ticket, tenant)
    planned += await _webhooks(uow, event)
    for delivery in planned:
        delivery.announce(uow.now())
        if await uow.deliveries.add(delivery):
            uow.publish(*delivery.events)
    await uow.commit()


async def _deliveries(
    uow: NotifyUnitOfWork, notice: Notice, ticket: FollowedTicket, tenant: TenantNotifySettings
) -> list[Delivery]:
    audiences = tenant.audiences.get(notice.kind, frozenset())
    roster = (
        await uow.people.roster(ticket.tenant_id, notice.unit or ticket.get("group"))
        if audiences & ROSTER_AUDIENCES else Roster()
    )  # fmt: skip
    found = recipients(notice, ticket, audiences, roster)
    people = await uow.people.many(ticket.tenant_id, [r.key for r in found if r.username])
    addressed: set[tuple[Channel, str]] = set()
    result = []
    for recipient in found:
        to = _addressee(recipient, ticket, people.get(recipient.key))
        muted = recipient.key in ticket.muted
        for one in plan(notice, recipient, to, tenant, muted=muted, now=uow.now()):
            one = _once_per_address(one, addressed)
            result.append(_delivery(notice, ticket, recipient, to, one, tenant))
    return result


def _addressee(recipient: Recipient, ticket: FollowedTicket, person: Person | None) -> Addressee:
    if recipient.key == CONTACT:
        return Addressee(ticket.get("contact_name"), ticket.get("contact_phone"),
                         ticket.get("contact_email"))  # fmt: skip
    if person is None:
        return Addressee(recipient.key, None, None)
    return Addressee(person.name or person.username, person.phone, person.email, person)


def _once_per_address(one: Planned, addressed: set[tuple[Channel, str]]) -> Planned:
    """A portal user who is also the ticket's contact hears it once per address."""
    if one.status is not DeliveryStatus.QUEUED or one.address is None:
        return one
    if (one.channel, one.address) in addressed:
        return Planned(one.channel, one.address, one.language, DeliveryStatus.SUPPRESSED,
                       one.not_before, Reason.DUPLICATE_ADDRESS)  # fmt: skip
    addressed.add((one.channel, one.address))
    return one


def _delivery(
    notice: Notice, ticket: FollowedTicket, recipient: Recipient, to: Addressee, one: Planned,
    tenant: TenantNotifySettings,
) -> Delivery:  # fmt: skip
    local = zone((to.person.time_zone if to.person else None) or tenant.time_zone)
    details = {key: _shown(value, local) for key, value in notice.details.items()}
    details |= {"kind": notice.kind.value, "actor": notice.actor, "critical": notice.critical,
                "occurred_at": _shown(notice.occurred_at, local)}  # fmt: skip
    return Delivery(
        delivery_id(notice.event_id, recipient.key, one.channel), notice.event_id,
        ticket.tenant_id, ticket.ticket_id, notice.kind.value, one.channel, recipient.key,
        one.address, one.language, context(ticket.snapshot(), details, {"name": to.name}),
        one.status, created_at=notice.occurred_at, next_attempt_at=_due(one),
        reason=one.reason, critical=notice.critical, digest=one.digest,
    )  # fmt: skip


def _due(one: Planned) -> datetime | None:
    return one.not_before if one.status is DeliveryStatus.QUEUED else None


def _shown(value: Any, local: Any) -> Any:
    """Times as the recipient's clock shows them."""
    if isinstance(value, datetime):
        return value.astimezone(local).strftime("%Y-%m-%d %H:%M %Z")
    return value


async def _webhooks(uow: NotifyUnitOfWork, event: EventEnvelope) -> list[Delivery]:
    subscriptions = await uow.subscriptions.of_tenant(event.tenant_id)
    body = event.model_dump(mode="json")
    return [
        Delivery(
            delivery_id(str(event.event_id), f"webhook:{sub.subscription_id}", Channel.WEBHOOK),
            str(event.event_id), event.tenant_id, event.ticket_id, event.event_type,
            Channel.WEBHOOK, f"webhook:{sub.subscription_id}", sub.url, "en", {"event": body},
            DeliveryStatus.QUEUED, created_at=event.occurred_at, next_attempt_at=uow.now(),
            subscription_id=sub.subscription_id,
        )
        for sub in subscriptions
        if sub.wants(event.event_type)
    ]  # fmt: skip
