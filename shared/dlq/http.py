"""``/admin/dead-letters`` on every service: its own consumers' dead letters."""

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Request
from pydantic import BaseModel, Field

from shared.dlq.desk import DeadLetterDesk
from shared.errors import RequestError

ADMIN = "admin"


class Forbidden(RequestError):
    status_code = 403


class Chosen(BaseModel):
    """Dead letter ids; empty means every waiting one."""

    ids: list[Annotated[str, Field(min_length=1, max_length=300)]] = Field(
        default_factory=list, max_length=1000
    )


def _admin(
    x_actor_id: Annotated[str, Header()] = "", x_actor_role: Annotated[str, Header()] = ""
) -> str:
    if x_actor_role != ADMIN or not x_actor_id:
        raise Forbidden(f"only the {ADMIN} role may handle dead letters")
    return x_actor_id


def _desk(request: Request) -> DeadLetterDesk:
    desk: DeadLetterDesk = request.app.state.dead_letters
    return desk


Actor = Annotated[str, Depends(_admin)]
Desk = Annotated[DeadLetterDesk, Depends(_desk)]
router = APIRouter(prefix="/admin/dead-letters", tags=["dead letters"])


@router.get("")
async def waiting(actor: Actor, desk: Desk) -> list[dict[str, Any]]:
    return [asdict(letter) for letter in await desk.waiting()]


@router.get("/{letter_id}")
async def one(letter_id: str, actor: Actor, desk: Desk) -> dict[str, Any]:
    return asdict(await desk.get(letter_id))


@router.post("/replay")
async def replay(body: Chosen, actor: Actor, desk: Desk) -> dict[str, list[str]]:
    return {"replayed": [letter.id for letter in await desk.replay(body.ids, actor)]}


@router.post("/purge")
async def purge(body: Chosen, actor: Actor, desk: Desk) -> dict[str, list[str]]:
    return {"purged": [letter.id for letter in await desk.purge(body.ids, actor)]}
