"""How an HTTP route reaches the wired dependencies."""

from fastapi import Request

from services.gateway.app.context import GatewayContext


def context(request: Request) -> GatewayContext:
    ctx: GatewayContext = request.app.state.context
    return ctx
