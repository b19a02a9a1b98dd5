"""What every notify route reads from the request: the context and the actor."""

from typing import Annotated

from fastapi import Depends, Header, Request

from services.notify.app.context import NotifyContext
from shared.events import Actor


def context(request: Request) -> NotifyContext:
    ctx: NotifyContext = request.app.state.context
    return ctx


def actor(
    x_actor_id: Annotated[str, Header(min_length=1, max_length=100)],
    x_actor_role: Annotated[str, Header(min_length=1, max_length=50)],
) -> Actor:
    """Set by the gateway from the verified token."""
    return Actor(id=x_actor_id, role=x_actor_role)


Ctx = Annotated[NotifyContext, Depends(context)]
Who = Annotated[Actor, Depends(actor)]
