"""Who is calling, from the headers the gateway sets."""

from typing import Annotated

from fastapi import Header

from shared.events import Actor


def actor(
    actor_id: Annotated[str, Header(alias="X-Actor-Id", min_length=1, max_length=100)] = "api",
    actor_role: Annotated[
        str, Header(alias="X-Actor-Role", min_length=1, max_length=50)
    ] = "requester",
) -> Actor:
    return Actor(id=actor_id, role=actor_role)


def drafter(
    actor_id: Annotated[str, Header(alias="X-Actor-Id", min_length=1, max_length=100)],
    actor_role: Annotated[
        str, Header(alias="X-Actor-Role", min_length=1, max_length=50)
    ] = "requester",
) -> Actor:
    """Drafts belong to a person: ``X-Actor-Id`` is required."""
    return Actor(id=actor_id, role=actor_role)
