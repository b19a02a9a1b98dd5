"""``/admin/dead-letters`` on every service: its own consumers' dead letters."""

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from shared.admin import AdminActor, Chosen
from shared.dlq.desk import DeadLetterDesk


def _desk(request: Request) -> DeadLetterDesk:
    desk: DeadLetterDesk = request.app.state.dead_letters
    return desk


Desk = Annotated[DeadLetterDesk, Depends(_desk)]
router = APIRouter(prefix="/admin/dead-letters", tags=["dead letters"])


@router.get("")
async def waiting(actor: AdminActor, desk: Desk) -> list[dict[str, Any]]:
    return [asdict(letter) for letter in await desk.waiting()]


@router.get("/{letter_id}")
async def one(letter_id: str, actor: AdminActor, desk: Desk) -> dict[str, Any]:
    return asdict(await desk.get(letter_id))


@router.post("/replay")
async def replay(body: Chosen, actor: AdminActor, desk: Desk) -> dict[str, list[str]]:
    return {"replayed": [letter.id for letter in await desk.replay(body.ids, actor)]}


@router.post("/purge")
async def purge(body: Chosen, actor: AdminActor, desk: Desk) -> dict[str, list[str]]:
    return {"purged": [letter.id for letter in await desk.purge(body.ids, actor)]}
