"""One endpoint per workflow command. Headers: X-Actor-Id, X-Actor-Role, optional If-Match."""

from datetime import datetime
from uuid import uuid4

from fastapi import APIRouter

from services.dispatch.app import commands as use
from services.dispatch.domain.commands import Command
from services.dispatch.domain.values import ChangeRecord, Resolution
from services.dispatch.domain.work_order import WorkOrder
from services.dispatch.entrypoints import schemas as s
from services.dispatch.entrypoints.deps import Ctx, On
from services.dispatch.entrypoints.views import WorkOrderView, work_order_view

router = APIRouter(prefix="/work-orders/{ticket_id}", tags=["commands"])
View = WorkOrderView


@router.post("/assign", response_model=View)
async def assign(body: s.AssignBody, ctx: Ctx, on: On) -> View:
    return work_order_view(await use.assign(ctx, on, body.assignee, body.group, body.reason))


@router.post("/accept", response_model=View)
async def accept(body: s.AcceptBody, ctx: Ctx, on: On) -> View:
    """接单: with an appointment window for on-site work, else a sign-off (签单)."""
    return work_order_view(await use.accept(ctx, on, body.appointment))


@router.post("/start", response_model=View)
async def start(ctx: Ctx, on: On) -> View:
    return work_order_view(await use.start(ctx, on))


@router.post("/transfer", response_model=View)
async def transfer(body: s.TransferBody, ctx: Ctx, on: On) -> View:
    """转派 to one person; without ``to_assignee`` back to the dispatch centre."""
    order = await use.transfer(ctx, on, body.to_assignee, body.to_group, body.reason)
    return work_order_view(order)


@router.post("/urge", response_model=View)
async def urge(body: s.NoteBody, ctx: Ctx, on: On) -> View:
    return work_order_view(await use.urge(ctx, on, body.note))


@router.post("/tags", response_model=View)
async def tag(body: s.TagBody, ctx: Ctx, on: On) -> View:
    return work_order_view(await use.tag(ctx, on, body.tag, on=True))


@router.delete("/tags/{tag}", response_model=View)
async def untag(tag: str, ctx: Ctx, on: On) -> View:
    return work_order_view(await use.tag(ctx, on, tag, on=False))


@router.put("/watchers/me", response_model=View)
async def watch(ctx: Ctx, on: On) -> View:
    return work_order_view(await use.watch(ctx, on, watching=True))


@router.delete("/watchers/me", response_model=View)
async def unwatch(ctx: Ctx, on: On) -> View:
    return work_order_view(await use.watch(ctx, on, watching=False))


@router.post("/share", response_model=View)
async def share(body: s.ShareBody, ctx: Ctx, on: On) -> View:
    return work_order_view(await use.share(ctx, on, list(body.shared_with), body.note))


@router.post("/escalate", response_model=View)
async def escalate(body: s.EscalateBody, ctx: Ctx, on: On) -> View:
    order = await use.escalate(ctx, on, body.reason, body.assignee, body.group, body.note)
    return work_order_view(order)


@router.post("/upgrade-severity", response_model=View)
async def upgrade_severity(body: s.SeverityBody, ctx: Ctx, on: On) -> View:
    return work_order_view(await use.upgrade_severity(ctx, on, body.severity, body.reason))


@router.post("/problems", response_model=s.Created, status_code=201)
async def convert_to_problem(body: s.ProblemBody, ctx: Ctx, on: On) -> s.Created:
    problem = await use.convert_to_problem(ctx, on, body.title, body.description, body.impact)
    return s.Created(id=problem.problem_id, ticket_id=on.ticket_id)


@router.post("/changes", response_model=s.Created, status_code=201)
async def submit_change(body: s.ChangeBody, ctx: Ctx, on: On) -> s.Created:
    def record(order: WorkOrder, now: datetime) -> ChangeRecord:
        return ChangeRecord(
            str(uuid4()), order.ticket_id, order.tenant_id, body.title, body.description,
            body.risk, body.planned_start, body.planned_end, body.rollback_plan, now, on.actor.id,
        )  # fmt: skip

    change = await use.submit_change(ctx, on, record)
    return s.Created(id=change.change_id, ticket_id=on.ticket_id)


@router.post("/wait-customer", response_model=View)
async def wait_customer(body: s.ReasonBody, ctx: Ctx, on: On) -> View:
    return work_order_view(await use.pause(ctx, on, Command.WAIT_CUSTOMER, body.reason))


@router.post("/hold", response_model=View)
async def hold(body: s.ReasonBody, ctx: Ctx, on: On) -> View:
    return work_order_view(await use.pause(ctx, on, Command.HOLD, body.reason))


@router.post("/investigate", response_model=View)
async def investigate(body: s.ReasonBody, ctx: Ctx, on: On) -> View:
    return work_order_view(await use.pause(ctx, on, Command.INVESTIGATE, body.reason))


@router.post("/resume", response_model=View)
async def resume(body: s.ReasonBody, ctx: Ctx, on: On) -> View:
    return work_order_view(await use.resume(ctx, on, body.reason))


@router.post("/resolve", response_model=View)
async def resolve(body: s.ResolveBody, ctx: Ctx, on: On) -> View:
    """回单: cause, solution, closure code; an overdue reason once an SLA was breached."""
    resolution = Resolution(body.cause, body.solution, body.closure_code, body.overdue_reason)
    return work_order_view(await use.resolve(ctx, on, resolution))


@router.post("/customer-reply", response_model=s.ReplyOutcome, status_code=202)
async def customer_reply(body: s.MessageBody, ctx: Ctx, on: On) -> s.ReplyOutcome:
    """Back to work; on a closed ticket a new, linked ticket is registered instead."""
    order, follow_up = await use.customer_reply(ctx, on, body.message)
    follow_up_of = follow_up.ticket_id if follow_up else None
    return s.ReplyOutcome(status=order.status, follow_up_of=follow_up_of, version=order.version)


@router.post("/confirm", response_model=View)
async def confirm(ctx: Ctx, on: On) -> View:
    return work_order_view(await use.confirm(ctx, on))


@router.post("/cancel", response_model=View)
async def cancel(body: s.CancelBody, ctx: Ctx, on: On) -> View:
    return work_order_view(await use.cancel(ctx, on, body.reason))


@router.post("/comments", response_model=s.Created, status_code=201)
async def comment(body: s.CommentBody, ctx: Ctx, on: On) -> s.Created:
    """The internal feed."""
    comment_id = await use.comment(ctx, on, Command.COMMENT, body.body)
    return s.Created(id=comment_id, ticket_id=on.ticket_id)


@router.post("/portal-messages", response_model=s.Created, status_code=201)
async def portal_message(body: s.CommentBody, ctx: Ctx, on: On) -> s.Created:
    """A message the customer sees on the portal."""
    comment_id = await use.comment(ctx, on, Command.PORTAL_MESSAGE, body.body)
    return s.Created(id=comment_id, ticket_id=on.ticket_id)
