"""Releasing a quarantined ticket through the gateway: the ticket's contact is verified at
intake with the caller as the actor, which releases it (and the contact's other held
tickets); dispatch then routes them as new."""

from fastapi import APIRouter, Response

from services.gateway.app import quarantine
from services.gateway.entrypoints.commands_http import IdempotencyKey, as_response
from services.gateway.entrypoints.deps import Ctx, Who
from services.gateway.entrypoints.schemas import EDGE_RESPONSES

router = APIRouter(tags=["quarantine"], responses=EDGE_RESPONSES)


@router.post("/tickets/{ticket_id}/release")
async def release(
    ticket_id: str, ctx: Ctx, who: Who, idempotency_key: IdempotencyKey = None
) -> Response:
    """Vouch for a quarantined ticket's contact (agent, dispatcher, group lead, supervisor,
    admin): intake verifies the directory entry that recognises it, or records it verified,
    and releases every quarantined ticket of that contact (200: the customer's id and the
    released tickets). A ticket not in quarantine is a 409."""
    reply = await quarantine.release(ticket_id, who, ctx.new_uow, ctx.forwarding, idempotency_key)
    return as_response(reply)
