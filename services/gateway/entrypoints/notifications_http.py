"""``/me/notifications``: the signed-in staff member's in-app notices (assignments, urges,
SLA warnings, major-incident alerts …, in their language), read and marked read, and
streamed live as Server-Sent Events."""

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Path, Query
from fastapi.sse import EventSourceResponse, ServerSentEvent
from pydantic import BaseModel

from services.gateway.app import notifications
from services.gateway.domain.callers import Caller
from services.gateway.entrypoints.deps import Ctx, Tenant
from services.gateway.entrypoints.feed_http import RECONNECT_MS, staff
from services.gateway.entrypoints.schemas import EDGE_RESPONSES
from shared.http import ERROR_RESPONSES, as_json

router = APIRouter(tags=["notifications"], responses=as_json(ERROR_RESPONSES | EDGE_RESPONSES))
Staff = Annotated[Caller, Depends(staff)]


class Notice(BaseModel):
    notice_id: str
    ticket_id: str
    kind: str
    critical: bool
    subject: str | None
    text: str
    posted_at: datetime
    read_at: datetime | None


@router.get("/me/notifications", response_model=list[Notice])
async def mine(
    ctx: Ctx, tenant: Tenant, who: Staff, unread: bool = False,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[Notice]:  # fmt: skip
    """The caller's notices, newest first (kept 90 days)."""
    found = await notifications.of(tenant, who.username, unread, limit, ctx.new_uow)
    return [Notice.model_validate(item) for item in found]


@router.post("/me/notifications/{notice_id}/read", status_code=204)
async def read(
    notice_id: Annotated[str, Path(max_length=200)], ctx: Ctx, tenant: Tenant, who: Staff
) -> None:
    await notifications.mark_read(tenant, who.username, notice_id, ctx.new_uow)


@router.get("/me/notifications/stream", response_class=EventSourceResponse)
async def stream(
    ctx: Ctx, tenant: Tenant, who: Staff,
    last_event_id: Annotated[str | None, Header(min_length=1, max_length=1000)] = None,
) -> AsyncIterator[ServerSentEvent]:  # fmt: skip
    """Events ``notification`` (one notice, as in the list) and ``reload`` when it cannot
    resume from Last-Event-ID."""
    async for change in ctx.notification_feed.follow(tenant, who.username, last_event_id):
        if change.view is None:
            reason = {"reason": "the feed cannot resume from Last-Event-ID"}
            yield ServerSentEvent(event="reload", data=reason, retry=RECONNECT_MS)
            continue
        notice = Notice.model_validate(change.view).model_dump(mode="json")
        yield ServerSentEvent(id=change.event_id, event="notification", data=notice,
                              retry=RECONNECT_MS)  # fmt: skip
