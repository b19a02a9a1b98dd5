"""``GET /events/stream``: the caller's tenant's ticket changes and major incidents as
Server-Sent Events; a reconnecting browser sends ``Last-Event-ID`` and misses nothing."""

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Depends, Header
from fastapi.sse import EventSourceResponse, ServerSentEvent

from services.gateway.domain.callers import STAFF, Caller, require
from services.gateway.domain.projection import feed_event
from services.gateway.entrypoints.deps import Ctx, Tenant, Who
from services.gateway.entrypoints.schemas import EDGE_RESPONSES
from shared.http import ERROR_RESPONSES, as_json

# The stream's refusals are JSON, not events.
router = APIRouter(tags=["live feed"], responses=as_json(ERROR_RESPONSES | EDGE_RESPONSES))
# How long a browser waits before it reconnects after the stream broke, in milliseconds.
RECONNECT_MS = 2000


def staff(who: Who) -> Caller:
    # A dependency: refused before the stream starts, as a 403 rather than a broken stream.
    require(who, STAFF)
    return who


@router.get("/events/stream", response_class=EventSourceResponse)
async def stream(
    ctx: Ctx, tenant: Tenant, who: Annotated[Caller, Depends(staff)],
    last_event_id: Annotated[str | None, Header(min_length=1, max_length=1000)] = None,
) -> AsyncIterator[ServerSentEvent]:  # fmt: skip
    """Events ``ticket`` (a ticket changed), ``major-incident`` (it is one now), each with
    the ticket's queue fields, and ``reload`` when it cannot resume from Last-Event-ID."""
    async for change in ctx.feed.follow(tenant, last_event_id):
        name, data = feed_event(change.view)
        yield ServerSentEvent(id=change.event_id, event=name, data=data, retry=RECONNECT_MS)
