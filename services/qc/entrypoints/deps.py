"""What every QC route reads from the request: the context and the actor."""

from typing import Annotated

from fastapi import Depends, Request

from services.qc.app.context import QcContext
from shared.admin import HeaderActor


def context(request: Request) -> QcContext:
    ctx: QcContext = request.app.state.context
    return ctx


Ctx = Annotated[QcContext, Depends(context)]
Who = HeaderActor
