"""The signed-in person's own notify settings, forwarded for them alone: "don't notify
me" on a ticket they may read (``/tickets/{id}/mutes/me``), their notification
preferences (``/me/notification-preferences``); and a ticket's SLA timeline for staff."""

from datetime import time
from typing import Annotated, Literal

from fastapi import APIRouter, Response
from pydantic import BaseModel, ConfigDict, Field

from services.gateway.app import personal
from services.gateway.domain.callers import STAFF, require
from services.gateway.entrypoints.commands_http import as_response
from services.gateway.entrypoints.deps import Ctx, Tenant, Who
from services.gateway.entrypoints.schemas import EDGE_RESPONSES
from shared.http import ERROR_RESPONSES, as_json

router = APIRouter(tags=["me"], responses=as_json(ERROR_RESPONSES | EDGE_RESPONSES))
Channel = Literal["sms", "email", "in_app"]
Kind = Annotated[str, Field(min_length=1, max_length=50)]


class Muted(BaseModel):
    ticket_id: str
    muted: bool


class QuietHours(BaseModel):
    """A daily window in the person's local time; it may wrap past midnight."""

    model_config = ConfigDict(extra="forbid")
    start: time
    end: time


class NotificationPreferences(BaseModel):
    """Only what a person may choose for themselves. Left out (``null``, or a kind not in
    ``channels``): the tenant's default. An empty channel list: no notice of that kind.
    Phone, e-mail, duty and supervising are kept by the admins and refused here."""

    model_config = ConfigDict(extra="forbid")
    language: Literal["zh-CN", "ru", "en"] | None = None
    time_zone: Annotated[str, Field(min_length=1, max_length=64)] | None = None
    quiet_hours: QuietHours | None = None
    channels: dict[Kind, Annotated[list[Channel], Field(max_length=3)]] = Field(
        default_factory=dict, max_length=50
    )


async def _muted(ctx: Ctx, who: Who, ticket_id: str, muted: bool) -> Muted | Response:
    state = await personal.set_muted(ticket_id, muted, who, ctx.new_uow, ctx.forwarding)
    if state.refused is not None:
        return as_response(state.refused)
    return Muted(ticket_id=ticket_id, muted=state.muted)


@router.get("/tickets/{ticket_id}/mutes/me", response_model=Muted)
async def my_mute(ticket_id: str, ctx: Ctx, who: Who) -> Muted:
    """Whether you said "don't notify me" on this ticket."""
    state = await personal.mute_state(ticket_id, who, ctx.new_uow, ctx.forwarding)
    return Muted(ticket_id=ticket_id, muted=state.muted)


@router.put("/tickets/{ticket_id}/mutes/me", response_model=Muted)
async def mute_me(ticket_id: str, ctx: Ctx, who: Who) -> Muted | Response:
    """ "Don't notify me" on this ticket (a customer: nor their contact's phone and
    e-mail). A major-incident alert still reaches you."""
    return await _muted(ctx, who, ticket_id, True)


@router.delete("/tickets/{ticket_id}/mutes/me", response_model=Muted)
async def unmute_me(ticket_id: str, ctx: Ctx, who: Who) -> Muted | Response:
    return await _muted(ctx, who, ticket_id, False)


@router.get("/me/notification-preferences")
async def my_preferences(ctx: Ctx, who: Who, tenant: Tenant) -> Response:
    """Your language, time zone, quiet hours and channels per kind, and under ``tenant``
    the defaults for what you leave out."""
    return as_response(await personal.my_preferences(tenant, who, ctx.forwarding))


@router.put("/me/notification-preferences")
async def set_my_preferences(
    body: NotificationPreferences, ctx: Ctx, who: Who, tenant: Tenant
) -> Response:
    """Replace your own preferences (and nothing else of your directory entry)."""
    sent = body.model_dump(mode="json")
    return as_response(await personal.set_my_preferences(tenant, who, sent, ctx.forwarding))


@router.get("/tickets/{ticket_id}/sla", tags=["reading"])
async def ticket_sla(ticket_id: str, ctx: Ctx, who: Who) -> Response:
    """The ticket's SLA timeline: each clock's target and due instant, pauses, warnings
    and breach (staff)."""
    require(who, STAFF)
    return as_response(await personal.ticket_sla(ticket_id, who, ctx.new_uow, ctx.forwarding))
