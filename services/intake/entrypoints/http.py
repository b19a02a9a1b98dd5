"""Intake's HTTP API: register a submission, read a registered ticket."""

from typing import Annotated

from fastapi import APIRouter, Header, Request, Response, status

from services.intake.app import handlers
from services.intake.bootstrap_types import IntakeContext
from services.intake.entrypoints.views import TicketView, view
from shared.events import Actor
from shared.events.submissions import Submission

router = APIRouter()


def _context(request: Request) -> IntakeContext:
    context: IntakeContext = request.app.state.intake
    return context


@router.post("/tickets", status_code=status.HTTP_201_CREATED, response_model=TicketView)
async def register_ticket(
    submission: Submission,
    request: Request,
    response: Response,
    actor_id: Annotated[str, Header(alias="X-Actor-Id")] = "api",
    actor_role: Annotated[str, Header(alias="X-Actor-Role")] = "requester",
) -> TicketView:
    ctx = _context(request)
    cmd = handlers.RegisterTicket(submission, Actor(id=actor_id, role=actor_role))
    result = await handlers.register_ticket(cmd, ctx.new_uow, ctx.numbering)
    if not result.created:
        response.status_code = status.HTTP_200_OK
    return view(result.ticket)


@router.get("/tickets/{ticket_id}", response_model=TicketView)
async def get_ticket(ticket_id: str, request: Request) -> TicketView:
    ctx = _context(request)
    return view(await handlers.get_ticket(ticket_id, ctx.new_uow))
