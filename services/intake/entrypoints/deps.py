"""How an HTTP route reaches the wired dependencies."""

from fastapi import Request

from services.intake.app.context import IntakeContext


def context(request: Request) -> IntakeContext:
    ctx: IntakeContext = request.app.state.context
    return ctx
