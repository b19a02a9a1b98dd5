"""What the API shows of a work order."""

from datetime import date, datetime

from pydantic import BaseModel

from services.dispatch.domain.values import Extension, HistoryEntry
from services.dispatch.domain.work_order import WorkOrder
from shared.events.dispatch import Appointment, ApproverStep, SupportLine
from shared.events.vocabulary import Priority, Severity, TicketStatus, TicketType


class ResolutionView(BaseModel):
    cause: str
    solution: str
    closure_code: str
    overdue_reason: str | None


class FollowUpPlanView(BaseModel):
    on: date
    note: str | None


class ApprovalView(BaseModel):
    """The proposed resolution and where its chain stands (``step`` 0-based)."""

    rule_id: str
    chain: list[ApproverStep]
    step: int
    current: ApproverStep
    resolution: ResolutionView
    requested_by: str
    requested_at: datetime
    follow_up: FollowUpPlanView | None


class ExtensionView(BaseModel):
    extension_id: str
    until: datetime
    reason: str
    requested_by: str
    requested_at: datetime
    state: str
    decided_by: str | None
    decided_at: datetime | None
    decision_note: str | None


class TrackingView(BaseModel):
    on: date
    note: str | None
    tracked_by: str
    set_at: datetime
    state: str
    ended_by: str | None
    ended_at: datetime | None
    external_ref: str | None


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
    approval: ApprovalView | None
    extensions: list[ExtensionView]
    tracking: TrackingView | None
    version: int
    allowed_commands: list[str]
    # Those of allowed_commands the caller's role (X-Actor-Role) may run; absent without it.
    allowed_for_caller: list[str] | None = None


class ExtensionListItem(ExtensionView):
    ticket_id: str
    number: str
    subject: str
    assignee: str | None
    group: str | None
    status: TicketStatus


class ExtensionList(BaseModel):
    """延期 monitoring: the requests in the states asked for, and how many of each."""

    counts: dict[str, int]
    extensions: list[ExtensionListItem]


class HistoryView(BaseModel):
    at: datetime
    command: str
    from_status: TicketStatus
    to_status: TicketStatus
    actor_id: str
    actor_role: str
    reason: str | None


def work_order_view(order: WorkOrder, role: str | None = None) -> WorkOrderView:
    view = WorkOrderView.model_validate(order, from_attributes=True)
    if role is None:
        return view
    return view.model_copy(update={"allowed_for_caller": order.allowed_for(role)})


def history_view(entry: HistoryEntry) -> HistoryView:
    return HistoryView.model_validate(entry, from_attributes=True)


def extension_list(pairs: list[tuple[WorkOrder, Extension]], states: list[str]) -> ExtensionList:
    counts = {state: 0 for state in states}
    items = []
    for order, extension in pairs:
        counts[extension.state.value] += 1
        view = ExtensionView.model_validate(extension, from_attributes=True)
        items.append(
            ExtensionListItem(
                **view.model_dump(),
                ticket_id=order.ticket_id,
                number=order.number,
                subject=order.subject,
                assignee=order.assignee,
                group=order.group,
                status=order.status,
            )
        )
    return ExtensionList(counts=counts, extensions=items)
