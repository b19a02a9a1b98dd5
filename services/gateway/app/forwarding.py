"""Commands through the gateway: scoped to the caller's tenant, sent with the caller as the
actor, and answered once per ``Idempotency-Key``."""

from dataclasses import dataclass
from datetime import timedelta

from services.gateway.app.ports import IdempotencyKeys, NewUnitOfWork, ServiceRequest, Services
from services.gateway.app.reading import readable_view
from services.gateway.domain.callers import Caller
from services.gateway.domain.idempotency import StoredReply, fingerprint, replay
from shared.clock import Clock
from shared.errors import Conflict


@dataclass(frozen=True)
class Forwarding:
    services: Services
    keys: IdempotencyKeys
    clock: Clock
    stale_after: timedelta


async def ticket_in_scope(ticket_id: str, caller: Caller, new_uow: NewUnitOfWork) -> str:
    """The ticket's tenant, if the caller may act on it: the same tickets they may read (a
    requester only their own), so nothing is forwarded for a ticket they cannot see."""
    tenant_id: str = (await readable_view(ticket_id, caller, new_uow))["tenant_id"]
    return tenant_id


async def send(
    request: ServiceRequest, caller: Caller, key: str | None, ports: Forwarding
) -> StoredReply:
    if key is None:
        return await ports.services.send(request, caller)
    scoped_key = f"{caller.subject}:{key}"
    print_ = fingerprint(request.method, _target(request), request.content_type, request.body)
    first = await _take(scoped_key, print_, ports)
    if first is not None:
        return first
    try:
        reply = await ports.services.send(request, caller)
    except BaseException:  # a failure decided nothing: the retry may use the key
        await ports.keys.release(scoped_key)
        raise
    await ports.keys.keep(scoped_key, reply)
    return reply


async def _take(key: str, print_: str, ports: Forwarding) -> StoredReply | None:
    """Claim the key (``None``), or the reply its first request already got."""
    now = ports.clock.now()
    stale_before = now - ports.stale_after
    if await ports.keys.claim(key, print_, now, stale_before):
        return None
    record = await ports.keys.get(key)
    if record is not None:
        first = replay(record, print_, now, ports.stale_after)
        if first is not None:
            return first
    # The first request gave the key back (or died) between our claim and our read.
    if await ports.keys.claim(key, print_, now, stale_before):
        return None
    raise Conflict("a request with this Idempotency-Key is still being processed")


def _target(request: ServiceRequest) -> str:
    query = "&".join(f"{k}={v}" for k, v in sorted(request.params.items()))
    return f"{request.service}:{request.path}?{query}"
