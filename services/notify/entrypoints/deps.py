"""What every notify route reads from the request: the context and the actor."""

from typing import Annotated

from fastapi import Depends, Request

from services.notify.app.context import NotifyContext
from shared.admin import HeaderActor


def context(request: Request) -> NotifyContext:
    ctx: NotifyContext = request.app.state.context
    return ctx


Ctx = Annotated[NotifyContext, Depends(context)]
Who = HeaderActor
