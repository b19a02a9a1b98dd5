"""``/admin/outbox/parked`` on every service that publishes: messages the broker kept
refusing, parked with their error (see the README's delivery guarantees)."""

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from shared.admin import AdminActor, Chosen
from shared.mongo.outbox_store import MongoOutboxStore


def _outbox(request: Request) -> MongoOutboxStore:
    outbox: MongoOutboxStore = request.app.state.outbox
    return outbox


Outbox = Annotated[MongoOutboxStore, Depends(_outbox)]
router = APIRouter(prefix="/admin/outbox/parked", tags=["outbox"])


@router.get("")
async def parked(
    actor: AdminActor, outbox: Outbox, limit: Annotated[int, Query(ge=1, le=1000)] = 100
) -> list[dict[str, Any]]:
    return [asdict(message) for message in await outbox.parked(limit)]


@router.post("/replay")
async def replay(body: Chosen, actor: AdminActor, outbox: Outbox) -> dict[str, list[str]]:
    """Send them again after the cause is fixed; consumers deduplicate as always."""
    return {"replayed": await outbox.unpark(body.ids)}


@router.post("/purge")
async def purge(body: Chosen, actor: AdminActor, outbox: Outbox) -> dict[str, list[str]]:
    return {"purged": await outbox.purge_parked(body.ids)}
