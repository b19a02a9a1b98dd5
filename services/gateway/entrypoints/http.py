"""The gateway's HTTP API for dashboards and the field app."""

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from services.gateway.app import handlers
from services.gateway.entrypoints.deps import context
from shared.events.vocabulary import TicketStatus

router = APIRouter()


@router.get("/tickets/{ticket_id}")
async def get_ticket(ticket_id: str, request: Request) -> dict[str, Any]:
    return await handlers.get_ticket(ticket_id, context(request).new_uow)


@router.get("/tickets")
async def list_tickets(
    request: Request,
    status: TicketStatus | None = None,
    tenant_id: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[dict[str, Any]]:
    status_value = status.value if status else None
    return await handlers.list_tickets(context(request).new_uow, status_value, tenant_id, limit)
