"""What the signed-in person keeps for themselves at notify: "don't notify me" on one
ticket, and their own notification preferences. Who they are comes from the verified
token, never from the request; the tickets are those they may read."""

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from services.gateway.app import forwarding
from services.gateway.app.forwarding import Forwarding
from services.gateway.app.ports import NewUnitOfWork, ServiceRequest
from services.gateway.app.reading import readable_view
from services.gateway.domain.callers import Caller, Role
from services.gateway.domain.idempotency import StoredReply
from shared.errors import RequestError

JSON = "application/json"
# Notify's recipient key of a ticket's own contact (the customer's phone and e-mail).
CONTACT = "contact"


@dataclass(frozen=True)
class MuteState:
    """The caller's "don't notify me" on a ticket; ``refused`` is notify's answer when it
    would not change it (then nothing was changed)."""

    ticket_id: str
    muted: bool
    refused: StoredReply | None = None


def own_recipients(caller: Caller, view: Mapping[str, Any]) -> list[str]:
    """Whom "me" stands for at notify: the caller's username; for the customer who
    submitted the ticket on the portal also its contact — the SMS and e-mails they get
    go to the contact's phone and address, not to their portal account."""
    mine = [caller.username]
    if caller.acting_role is Role.REQUESTER and view.get("submitted_by") == caller.username:
        mine.append(CONTACT)
    return mine


def _mutes_path(ticket_id: str, recipient: str | None = None) -> str:
    path = f"/tickets/{quote(ticket_id, safe='')}/mutes"
    return path if recipient is None else f"{path}/{quote(recipient, safe='')}"


async def mute_state(
    ticket_id: str, caller: Caller, new_uow: NewUnitOfWork, ports: Forwarding
) -> MuteState:
    """Whether the caller muted the ticket; not muted when notify has not seen it yet."""
    view = await readable_view(ticket_id, caller, new_uow)
    request = ServiceRequest("notify", "GET", _mutes_path(ticket_id))
    reply = await forwarding.send(request, caller, None, ports)
    if reply.status != 200:
        return MuteState(ticket_id, False)
    muted = set(json.loads(reply.body).get("muted") or ())
    return MuteState(ticket_id, set(own_recipients(caller, view)) <= muted)


async def set_muted(
    ticket_id: str, muted: bool, caller: Caller, new_uow: NewUnitOfWork, ports: Forwarding
) -> MuteState:
    """Mute (or unmute) the ticket for the caller, all their recipients or none: when
    notify refuses one (or stops answering), those already changed are changed back."""
    view = await readable_view(ticket_id, caller, new_uow)
    done: list[str] = []
    try:
        for recipient in own_recipients(caller, view):
            reply = await _mute(ticket_id, recipient, muted, caller, ports)
            if reply.status >= 300:
                await _undo(ticket_id, done, muted, caller, ports)
                return MuteState(ticket_id, not muted, reply)
            done.append(recipient)
    except RequestError:
        await _undo(ticket_id, done, muted, caller, ports)
        raise
    return MuteState(ticket_id, muted)


async def _undo(
    ticket_id: str, done: list[str], muted: bool, caller: Caller, ports: Forwarding
) -> None:
    for recipient in done:
        try:
            await _mute(ticket_id, recipient, not muted, caller, ports)
        except RequestError:  # notify is away: what it missed is lost with it
            continue


async def _mute(
    ticket_id: str, recipient: str, muted: bool, caller: Caller, ports: Forwarding
) -> StoredReply:
    method = "PUT" if muted else "DELETE"
    request = ServiceRequest("notify", method, _mutes_path(ticket_id, recipient))
    return await forwarding.send(request, caller, None, ports)


def _preferences_path(tenant_id: str, caller: Caller) -> str:
    tenant, username = quote(tenant_id, safe=""), quote(caller.username, safe="")
    return f"/tenants/{tenant}/people/{username}/preferences"


async def my_preferences(tenant_id: str, caller: Caller, ports: Forwarding) -> StoredReply:
    """The caller's own preferences with their tenant's defaults, as notify keeps them."""
    request = ServiceRequest("notify", "GET", _preferences_path(tenant_id, caller))
    return await forwarding.send(request, caller, None, ports)


async def set_my_preferences(
    tenant_id: str, caller: Caller, body: Mapping[str, Any], ports: Forwarding
) -> StoredReply:
    """Only the preference fields (notify's narrow route refuses any other with a 422);
    the caller's addresses and duty stay as the admins keep them."""
    sent = json.dumps(dict(body)).encode()
    request = ServiceRequest("notify", "PUT", _preferences_path(tenant_id, caller), sent, JSON)
    return await forwarding.send(request, caller, None, ports)


async def ticket_sla(
    ticket_id: str, caller: Caller, new_uow: NewUnitOfWork, ports: Forwarding
) -> StoredReply:
    """The SLA service's timeline of a ticket the caller may read (every clock: target,
    due, pauses, warnings, breach)."""
    await readable_view(ticket_id, caller, new_uow)
    request = ServiceRequest("sla", "GET", f"/tickets/{quote(ticket_id, safe='')}/sla")
    return await forwarding.send(request, caller, None, ports)
