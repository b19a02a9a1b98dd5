"""What services' routes share: the actor the gateway set, the admin check, a choice of
ids."""

from typing import Annotated

from fastapi import Depends, Header
from pydantic import BaseModel, Field

from shared.errors import Forbidden
from shared.events import Actor

ADMIN = "admin"


class Chosen(BaseModel):
    """Ids to act on; empty means every waiting one."""

    ids: list[Annotated[str, Field(min_length=1, max_length=300)]] = Field(
        default_factory=list, max_length=1000
    )


def header_actor(
    x_actor_id: Annotated[str, Header(min_length=1, max_length=100)],
    x_actor_role: Annotated[str, Header(min_length=1, max_length=50)],
) -> Actor:
    """Set by the gateway from the verified token."""
    return Actor(id=x_actor_id, role=x_actor_role)


HeaderActor = Annotated[Actor, Depends(header_actor)]


def _admin(
    x_actor_id: Annotated[str, Header(max_length=100)] = "",
    x_actor_role: Annotated[str, Header(max_length=50)] = "",
) -> str:
    if x_actor_role != ADMIN or not x_actor_id:
        raise Forbidden(f"only the {ADMIN} role may do this", [ADMIN])
    return x_actor_id


AdminActor = Annotated[str, Depends(_admin)]
