"""Dispatch's HTTP API."""

from fastapi import APIRouter, Request
from pydantic import BaseModel

from services.dispatch.app import handlers
from services.dispatch.bootstrap_types import DispatchContext
from shared.events.vocabulary import Priority, Severity, TicketStatus, TicketType

router = APIRouter()


class WorkOrderView(BaseModel):
    ticket_id: str
    tenant_id: str
    number: str
    type: TicketType
    priority: Priority
    severity: Severity
    status: TicketStatus
    assignee: str | None
    group: str | None
    version: int


@router.get("/work-orders/{ticket_id}", response_model=WorkOrderView)
async def get_work_order(ticket_id: str, request: Request) -> WorkOrderView:
    ctx: DispatchContext = request.app.state.dispatch
    order = await handlers.get_work_order(ticket_id, ctx.new_uow)
    return WorkOrderView.model_validate(order, from_attributes=True)
