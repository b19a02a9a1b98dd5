"""How an HTTP route reaches the wired dependencies."""

from fastapi import Request

from services.sla.app.context import SlaContext


def context(request: Request) -> SlaContext:
    ctx: SlaContext = request.app.state.context
    return ctx
