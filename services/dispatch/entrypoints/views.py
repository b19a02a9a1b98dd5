"""What the API shows of a work order."""

from datetime import datetime

from pydantic import BaseModel

from services.dispatch.domain.values import HistoryEntry
from services.dispatch.domain.work_order import WorkOrder
from shared.events.dispatch import Appointment, SupportLine
from shared.events.vocabulary import Priority, Severity, TicketStatus, TicketType


class ResolutionView(BaseModel):
    cause: str
    solution: str
    closure_code: str
    overdue_reason: str | None


class WorkOrderView(BaseModel):
    ticket_id: str
    tenant_id: str
    number: str
    type: TicketType
    subject: str
    priority: Priority
    severity: Severity
    status: TicketStatus
    assignee: str | None
    group: str | None
    support_line: SupportLine
    needs_onsite: bool
    appointment: Appointment | None
    resolution: ResolutionView | None
    tags: list[str]
    watchers: list[str]
    shared_with: list[str]
    urge_count: int
    last_urged_at: datetime | None
    overdue: bool
    major_alert: bool
    problems: list[str]
    changes: list[str]
    related_to: str | None
    version: int
    allowed_commands: list[str]


class HistoryView(BaseModel):
    at: datetime
    command: str
    from_status: TicketStatus
    to_status: TicketStatus
    actor_id: str
    actor_role: str
    reason: str | None


def work_order_view(order: WorkOrder) -> WorkOrderView:
    return WorkOrderView.model_validate(order, from_attributes=True)


def history_view(entry: HistoryEntry) -> HistoryView:
    return HistoryView.model_validate(entry, from_attributes=True)
