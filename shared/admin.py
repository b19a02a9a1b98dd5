"""What every service's operator routes share: the admin check and a choice of ids."""

from typing import Annotated

from fastapi import Depends, Header
from pydantic import BaseModel, Field

from shared.errors import Forbidden

ADMIN = "admin"


class Chosen(BaseModel):
    """Ids to act on; empty means every waiting one."""

    ids: list[Annotated[str, Field(min_length=1, max_length=300)]] = Field(
        default_factory=list, max_length=1000
    )


def _admin(
    x_actor_id: Annotated[str, Header(max_length=100)] = "",
    x_actor_role: Annotated[str, Header(max_length=50)] = "",
) -> str:
    if x_actor_role != ADMIN or not x_actor_id:
        raise Forbidden(f"only the {ADMIN} role may do this", [ADMIN])
    return x_actor_id


AdminActor = Annotated[str, Depends(_admin)]
