"""Keeping what notify is told by people: the staff directory with each person's
preferences, tenants' settings and templates, webhook subscriptions, per-ticket mutes; and
reading deliveries back."""

import secrets
from uuid import uuid4

from services.notify.app.following import settings_of
from services.notify.app.ports import NewUnitOfWork, NotifyUnitOfWork, Renderer
from services.notify.domain.channels import Channel
from services.notify.domain.deliveries import Delivery
from services.notify.domain.preferences import OwnPreferences, Person, TenantNotifySettings
from services.notify.domain.rendering import Kind, TemplateFailed
from services.notify.domain.rules import CONTACT
from services.notify.domain.subscriptions import Subscription
from services.notify.domain.tickets import FollowedTicket
from shared.errors import Forbidden, InvalidFields, NotFound
from shared.events import Actor

# Who may mute someone else (the ticket's contact on the phone, a colleague on leave).
MUTERS = frozenset({"agent", "dispatcher", "supervisor", "admin"})


async def put_person(person: Person, new_uow: NewUnitOfWork) -> Person:
    async with new_uow() as uow:
        await uow.people.put(person)
        await uow.commit()
    return person


async def get_person(tenant_id: str, username: str, new_uow: NewUnitOfWork) -> Person:
    async with new_uow() as uow:
        person = await uow.people.get(tenant_id, username)
    if person is None:
        raise NotFound(f"nobody called {username} in tenant {tenant_id}")
    return person


async def delete_person(tenant_id: str, username: str, new_uow: NewUnitOfWork) -> None:
    async with new_uow() as uow:
        if not await uow.people.delete(tenant_id, username):
            raise NotFound(f"nobody called {username} in tenant {tenant_id}")
        await uow.commit()


async def get_preferences(
    tenant_id: str, username: str, new_uow: NewUnitOfWork
) -> tuple[OwnPreferences, TenantNotifySettings]:
    """A person's own preferences (blank when they are not listed) and the tenant's
    defaults that apply where they set none."""
    async with new_uow() as uow:
        person = await uow.people.get(tenant_id, username)
        return OwnPreferences.of(person), await settings_of(uow, tenant_id)


async def put_preferences(
    tenant_id: str, username: str, own: OwnPreferences, new_uow: NewUnitOfWork
) -> OwnPreferences:
    """Only the preference fields change, in one transaction with reading the entry, so
    an admin's change of the addresses or duty at the same time is never lost."""
    async with new_uow() as uow:
        person = await uow.people.get(tenant_id, username)
        await uow.people.put(own.applied_to(person, tenant_id, username))
        await uow.commit()
    return own


async def put_settings(
    tenant_id: str, settings: TenantNotifySettings, new_uow: NewUnitOfWork
) -> TenantNotifySettings:
    async with new_uow() as uow:
        await uow.settings.put(tenant_id, settings)
        await uow.commit()
    return settings


async def get_settings(tenant_id: str, new_uow: NewUnitOfWork) -> TenantNotifySettings:
    async with new_uow() as uow:
        return await settings_of(uow, tenant_id)


async def put_template(
    tenant_id: str, kind: Kind, channel: Channel, language: str, source: str,
    renderer: Renderer, new_uow: NewUnitOfWork,
) -> None:  # fmt: skip
    """A tenant's own text; refused (422) unless it compiles and renders a sample."""
    try:
        renderer.validate(kind, channel, language, source)
    except TemplateFailed as error:
        raise InvalidFields({"source": str(error)}) from error
    async with new_uow() as uow:
        await uow.templates.put(tenant_id, kind, channel, language, source)
        await uow.commit()


async def get_template(
    tenant_id: str, kind: Kind, channel: Channel, language: str, new_uow: NewUnitOfWork
) -> str | None:
    async with new_uow() as uow:
        return await uow.templates.get(tenant_id, kind, channel, language)


async def delete_template(
    tenant_id: str, kind: Kind, channel: Channel, language: str, new_uow: NewUnitOfWork
) -> None:
    async with new_uow() as uow:
        if not await uow.templates.delete(tenant_id, kind, channel, language):
            raise NotFound("this tenant has no own template there; the shipped one is used")
        await uow.commit()


async def subscribe(
    tenant_id: str, url: str, event_types: frozenset[str], pause_after: int,
    new_uow: NewUnitOfWork,
) -> Subscription:  # fmt: skip
    """A new subscription with a fresh signing key: its secret is shown only now."""
    async with new_uow() as uow:
        sub = Subscription(
            uuid4().hex, tenant_id, url, f"k-{uuid4().hex[:8]}", secrets.token_urlsafe(32),
            uow.now(), event_types, pause_after,
        )  # fmt: skip
        await uow.subscriptions.save(sub)
        await uow.commit()
    return sub


async def subscriptions(tenant_id: str, new_uow: NewUnitOfWork) -> list[Subscription]:
    async with new_uow() as uow:
        return await uow.subscriptions.of_tenant(tenant_id)


async def resume(tenant_id: str, subscription_id: str, new_uow: NewUnitOfWork) -> Subscription:
    """Deliver again after a pause; what waited is due at once."""
    async with new_uow() as uow:
        sub = await _subscription(uow, tenant_id, subscription_id)
        sub.resume()
        await uow.subscriptions.save(sub)
        await uow.deliveries.wake(subscription_id, uow.now())
        await uow.commit()
    return sub


async def unsubscribe(tenant_id: str, subscription_id: str, new_uow: NewUnitOfWork) -> None:
    async with new_uow() as uow:
        await _subscription(uow, tenant_id, subscription_id)
        await uow.subscriptions.delete(subscription_id)
        await uow.commit()


async def _subscription(
    uow: NotifyUnitOfWork, tenant_id: str, subscription_id: str
) -> Subscription:
    sub = await uow.subscriptions.get(subscription_id)
    if sub is None or sub.tenant_id != tenant_id:
        raise NotFound(f"no subscription {subscription_id} in tenant {tenant_id}")
    return sub


async def set_mute(
    ticket_id: str, recipient: str, muted: bool, actor: Actor, new_uow: NewUnitOfWork
) -> FollowedTicket:
    """ "Don't notify me" on one ticket (the portal button), or undo it. A person mutes
    themselves; the contact is muted by the portal user who submitted the ticket or by the
    desk; desk staff may mute anyone."""
    async with new_uow() as uow:
        ticket = await uow.tickets.get(ticket_id)
        if ticket is None:
            raise NotFound(f"ticket {ticket_id} not found")
        _may_mute(ticket, recipient, actor)
        (ticket.muted.add if muted else ticket.muted.discard)(recipient)
        await uow.tickets.save(ticket)
        await uow.commit()
    return ticket


async def mutes(ticket_id: str, new_uow: NewUnitOfWork) -> FollowedTicket:
    async with new_uow() as uow:
        ticket = await uow.tickets.get(ticket_id)
    if ticket is None:
        raise NotFound(f"ticket {ticket_id} not found")
    return ticket


def _may_mute(ticket: FollowedTicket, recipient: str, actor: Actor) -> None:
    if actor.role in MUTERS or recipient == actor.id:
        return
    if recipient == CONTACT and ticket.get("submitted_by") == actor.id:
        return
    raise Forbidden("you may only mute yourself", MUTERS)


async def deliveries(ticket_id: str, limit: int, new_uow: NewUnitOfWork) -> list[Delivery]:
    async with new_uow() as uow:
        return await uow.deliveries.of_ticket(ticket_id, limit)
