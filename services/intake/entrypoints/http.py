"""Intake's HTTP API: register a submission, read a registered ticket."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response, status

from services.intake.app import handlers
from services.intake.entrypoints.actors import actor
from services.intake.entrypoints.deps import context
from services.intake.entrypoints.views import TicketView, view
from shared.events import Actor
from shared.events.submissions import Submission

router = APIRouter(tags=["tickets"])


@router.post(
    "/tickets",
    status_code=status.HTTP_201_CREATED,
    response_model=TicketView,
    responses={200: {"model": TicketView, "description": "A resubmission: the original"}},
)
async def register_ticket(
    submission: Submission,
    request: Request,
    response: Response,
    by: Annotated[Actor, Depends(actor)],
) -> TicketView:
    """Register a submission; a resubmission of its (tenant, source, external_ref) is a 200."""
    ctx = context(request)
    cmd = handlers.RegisterTicket(submission, by)
    result = await handlers.register_ticket(cmd, ctx.new_uow, ctx.numbering)
    if not result.created:
        response.status_code = status.HTTP_200_OK
    return view(result.ticket)


@router.get("/tickets/{ticket_id}", response_model=TicketView)
async def get_ticket(ticket_id: str, request: Request) -> TicketView:
    ctx = context(request)
    return view(await handlers.get_ticket(ticket_id, ctx.new_uow))
