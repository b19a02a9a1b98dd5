"""How an HTTP route reaches the wired dependencies."""

from fastapi import Request

from services.intake.bootstrap_types import IntakeContext


def context(request: Request) -> IntakeContext:
    ctx: IntakeContext = request.app.state.intake
    return ctx
