"""What every dispatch route reads from the request: context, actor, expected version."""

from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.exceptions import RequestValidationError

from services.dispatch.app.commands import Target
from services.dispatch.app.context import DispatchContext
from services.dispatch.domain.roles import Role
from shared.events import Actor


def context(request: Request) -> DispatchContext:
    ctx: DispatchContext = request.app.state.context
    return ctx


def actor(
    x_actor_id: Annotated[str, Header(min_length=1, max_length=100)],
    x_actor_role: Annotated[Role, Header()],
) -> Actor:
    """Until the gateway's auth: who acts, from headers."""
    return Actor(id=x_actor_id, role=x_actor_role.value)


def expected_version(if_match: Annotated[str | None, Header()] = None) -> int | None:
    """``If-Match: 3`` (or ``"3"``): refuse the command if the ticket is no longer version 3."""
    if if_match is None:
        return None
    cleaned = if_match.removeprefix("W/").strip('"')
    if not cleaned.isdigit():
        raise RequestValidationError(
            [
                {
                    "loc": ("header", "if-match"),
                    "msg": "must be a version number",
                    "type": "value_error",
                }
            ]
        )
    return int(cleaned)


def target(
    ticket_id: str,
    who: Annotated[Actor, Depends(actor)],
    version: Annotated[int | None, Depends(expected_version)],
) -> Target:
    return Target(ticket_id, who, version)


Ctx = Annotated[DispatchContext, Depends(context)]
Who = Annotated[Actor, Depends(actor)]
TargetTicket = Annotated[Target, Depends(target)]
