"""Notify's HTTP API: the staff directory with everybody's preferences, tenants' settings
and own templates, webhook subscriptions, per-ticket "don't notify me", and every
delivery of a ticket with its status."""

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Response

from services.notify.app import admin
from services.notify.domain.channels import Channel
from services.notify.domain.rendering import Kind
from services.notify.entrypoints.deps import Ctx, Who
from services.notify.entrypoints.schemas import (
    DeliveryView,
    MuteView,
    PersonBody,
    PreferencesBody,
    PreferencesView,
    SettingsBody,
    SubscriptionBody,
    SubscriptionView,
    TemplateBody,
)
from shared.admin import AdminActor
from shared.errors import Forbidden
from shared.events import Actor
from shared.tenant_http import NOT_PROVISIONED, ProvisionedTenant

router = APIRouter()
Username = Annotated[str, Path(min_length=1, max_length=100)]
Templated = Literal["sms", "email"]
Language = Literal["zh-CN", "ru", "en"]
# Who may keep someone else's directory entry.
KEEPERS = frozenset({"supervisor", "admin"})


def _keeps(who: Actor, username: str) -> None:
    if who.id != username and who.role not in KEEPERS:
        raise Forbidden("you may only change your own preferences", KEEPERS)


@router.put(
    "/tenants/{tenant_id}/people/{username}", response_model=PersonBody, tags=["people"],
    responses=NOT_PROVISIONED,
)  # fmt: skip
async def put_person(
    tenant_id: ProvisionedTenant, username: Username, body: PersonBody, ctx: Ctx, who: Who
) -> PersonBody:
    """Addresses, duty, language, time zone, quiet hours and channels of one person."""
    _keeps(who, username)
    return PersonBody.of(await admin.put_person(body.person(tenant_id, username), ctx.new_uow))


@router.get("/tenants/{tenant_id}/people/{username}", response_model=PersonBody, tags=["people"])
async def get_person(tenant_id: str, username: Username, ctx: Ctx) -> PersonBody:
    return PersonBody.of(await admin.get_person(tenant_id, username, ctx.new_uow))


PREFERENCES = "/tenants/{tenant_id}/people/{username}/preferences"


@router.get(PREFERENCES, response_model=PreferencesView, tags=["people"])
async def get_preferences(tenant_id: str, username: Username, ctx: Ctx) -> PreferencesView:
    """One person's own preferences (blank if they are not listed) with the tenant's
    defaults."""
    own, defaults = await admin.get_preferences(tenant_id, username, ctx.new_uow)
    return PreferencesView.with_defaults(own, defaults)


@router.put(PREFERENCES, response_model=PreferencesBody, tags=["people"], responses=NOT_PROVISIONED)
async def put_preferences(
    tenant_id: ProvisionedTenant, username: Username, body: PreferencesBody, ctx: Ctx, who: Who
) -> PreferencesBody:
    """Language, time zone, quiet hours and channels only; the rest of the entry (phone,
    e-mail, duty, supervising, leads) is kept as the admins left it."""
    _keeps(who, username)
    return PreferencesBody.of(
        await admin.put_preferences(tenant_id, username, body.own(), ctx.new_uow)
    )


@router.delete(
    "/tenants/{tenant_id}/people/{username}", status_code=204, tags=["people"],
    responses=NOT_PROVISIONED,
)  # fmt: skip
async def delete_person(
    tenant_id: ProvisionedTenant, username: Username, ctx: Ctx, who: Who
) -> Response:
    _keeps(who, username)
    await admin.delete_person(tenant_id, username, ctx.new_uow)
    return Response(status_code=204)


@router.put(
    "/tenants/{tenant_id}/notify-settings", response_model=SettingsBody, tags=["admin"],
    responses=NOT_PROVISIONED,
)  # fmt: skip
async def put_settings(
    tenant_id: ProvisionedTenant, body: SettingsBody, ctx: Ctx, who: AdminActor
) -> SettingsBody:
    return SettingsBody.of(await admin.put_settings(tenant_id, body.settings(), ctx.new_uow))


@router.get("/tenants/{tenant_id}/notify-settings", response_model=SettingsBody, tags=["admin"])
async def get_settings(tenant_id: str, ctx: Ctx) -> SettingsBody:
    return SettingsBody.of(await admin.get_settings(tenant_id, ctx.new_uow))


TEMPLATE = "/tenants/{tenant_id}/templates/{kind}/{channel}/{language}"


@router.put(TEMPLATE, response_model=TemplateBody, tags=["admin"], responses=NOT_PROVISIONED)
async def put_template(
    tenant_id: ProvisionedTenant, kind: Kind, channel: Templated, language: Language,
    body: TemplateBody, ctx: Ctx, who: AdminActor,
) -> TemplateBody:  # fmt: skip
    """The tenant's own text for one kind, channel and language (Jinja2, sandboxed); 422
    unless it renders a sample."""
    await admin.put_template(
        tenant_id, kind, Channel(channel), language, body.source, ctx.renderer, ctx.new_uow
    )
    return body


@router.get(TEMPLATE, response_model=TemplateBody, tags=["admin"])
async def get_template(
    tenant_id: str, kind: Kind, channel: Templated, language: Language, ctx: Ctx
) -> TemplateBody:
    """The tenant's own text, or else the one shipped with ticketflow."""
    own = await admin.get_template(tenant_id, kind, Channel(channel), language, ctx.new_uow)
    return TemplateBody(source=own or ctx.renderer.shipped(kind, Channel(channel), language))


@router.delete(TEMPLATE, status_code=204, tags=["admin"], responses=NOT_PROVISIONED)
async def delete_template(
    tenant_id: ProvisionedTenant, kind: Kind, channel: Templated, language: Language, ctx: Ctx,
    who: AdminActor,
) -> Response:  # fmt: skip
    await admin.delete_template(tenant_id, kind, Channel(channel), language, ctx.new_uow)
    return Response(status_code=204)


@router.post(
    "/tenants/{tenant_id}/webhooks", status_code=201, response_model=SubscriptionView,
    tags=["webhooks"], responses=NOT_PROVISIONED,
)  # fmt: skip
async def subscribe(
    tenant_id: ProvisionedTenant, body: SubscriptionBody, ctx: Ctx, who: AdminActor
) -> SubscriptionView:
    """Every (or the named) event of the tenant POSTed to ``url``, signed; the answer is
    the only time the signing secret is shown."""
    sub = await admin.subscribe(
        tenant_id, str(body.url), frozenset(body.event_types), body.pause_after, ctx.new_uow
    )
    return SubscriptionView.of(sub, with_secret=True)


@router.get(
    "/tenants/{tenant_id}/webhooks", response_model=list[SubscriptionView], tags=["webhooks"]
)
async def subscriptions(tenant_id: str, ctx: Ctx, who: AdminActor) -> list[SubscriptionView]:
    return [SubscriptionView.of(s) for s in await admin.subscriptions(tenant_id, ctx.new_uow)]


@router.post(
    "/tenants/{tenant_id}/webhooks/{subscription_id}/resume", response_model=SubscriptionView,
    tags=["webhooks"], responses=NOT_PROVISIONED,
)  # fmt: skip
async def resume(
    tenant_id: ProvisionedTenant, subscription_id: str, ctx: Ctx, who: AdminActor
) -> SubscriptionView:
    return SubscriptionView.of(await admin.resume(tenant_id, subscription_id, ctx.new_uow))


@router.delete("/tenants/{tenant_id}/webhooks/{subscription_id}", status_code=204,
               tags=["webhooks"], responses=NOT_PROVISIONED)  # fmt: skip
async def unsubscribe(
    tenant_id: ProvisionedTenant, subscription_id: str, ctx: Ctx, who: AdminActor
) -> Response:
    await admin.unsubscribe(tenant_id, subscription_id, ctx.new_uow)
    return Response(status_code=204)


@router.get("/tickets/{ticket_id}/mutes", response_model=MuteView, tags=["mutes"])
async def muted(ticket_id: str, ctx: Ctx) -> MuteView:
    """Who said "don't notify me" on this ticket."""
    ticket = await admin.mutes(ticket_id, ctx.new_uow)
    return MuteView(ticket_id=ticket_id, muted=sorted(ticket.muted))


@router.put("/tickets/{ticket_id}/mutes/{recipient}", response_model=MuteView, tags=["mutes"])
async def mute(ticket_id: str, recipient: Username, ctx: Ctx, who: Who) -> MuteView:
    """ "Don't notify me" on this ticket; ``recipient`` is a username or ``contact``."""
    ticket = await admin.set_mute(ticket_id, recipient, True, who, ctx.new_uow)
    return MuteView(ticket_id=ticket_id, muted=sorted(ticket.muted))


@router.delete("/tickets/{ticket_id}/mutes/{recipient}", response_model=MuteView, tags=["mutes"])
async def unmute(ticket_id: str, recipient: Username, ctx: Ctx, who: Who) -> MuteView:
    ticket = await admin.set_mute(ticket_id, recipient, False, who, ctx.new_uow)
    return MuteView(ticket_id=ticket_id, muted=sorted(ticket.muted))


@router.get(
    "/tickets/{ticket_id}/notifications", response_model=list[DeliveryView],
    tags=["deliveries"],
)  # fmt: skip
async def notifications(
    ticket_id: str, ctx: Ctx, limit: Annotated[int, Query(ge=1, le=1000)] = 200
) -> list[DeliveryView]:
    """Every delivery planned for the ticket, oldest first, with its status."""
    return [DeliveryView.of(d) for d in await admin.deliveries(ticket_id, limit, ctx.new_uow)]
