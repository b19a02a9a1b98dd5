"""One endpoint per workflow command. Headers: X-Actor-Id, X-Actor-Role, optional If-Match."""

from datetime import datetime
from uuid import uuid4

from fastapi import APIRouter

from services.dispatch.app import commands
from services.dispatch.domain.command_names import Command
from services.dispatch.domain.values import ChangeRecord, FollowUpPlan, Resolution
from services.dispatch.domain.work_order import WorkOrder
from services.dispatch.entrypoints import schemas
from services.dispatch.entrypoints.deps import Ctx, TargetTicket
from services.dispatch.entrypoints.views import WorkOrderView, work_order_view

router = APIRouter(prefix="/work-orders/{ticket_id}", tags=["commands"])


@router.post("/assign", response_model=WorkOrderView)
async def assign(body: schemas.AssignBody, ctx: Ctx, target: TargetTicket) -> WorkOrderView:
    return work_order_view(
        await commands.assign(ctx.new_uow, target, body.assignee, body.group, body.reason)
    )


@router.post("/accept", response_model=WorkOrderView)
async def accept(body: schemas.AcceptBody, ctx: Ctx, target: TargetTicket) -> WorkOrderView:
    """接单: with an appointment window for on-site work, else a sign-off (签单)."""
    return work_order_view(await commands.accept(ctx.new_uow, target, body.appointment))


@router.post("/start", response_model=WorkOrderView)
async def start(ctx: Ctx, target: TargetTicket) -> WorkOrderView:
    return work_order_view(await commands.start(ctx.new_uow, target))


@router.post("/transfer", response_model=WorkOrderView)
async def transfer(body: schemas.TransferBody, ctx: Ctx, target: TargetTicket) -> WorkOrderView:
    """转派 to one person; without ``to_assignee`` back to the dispatch centre."""
    order = await commands.transfer(
        ctx.new_uow, target, body.to_assignee, body.to_group, body.reason,
        ctx.routing.dispatch_centre,
    )  # fmt: skip
    return work_order_view(order)


@router.post("/urge", response_model=WorkOrderView)
async def urge(body: schemas.NoteBody, ctx: Ctx, target: TargetTicket) -> WorkOrderView:
    return work_order_view(await commands.urge(ctx.new_uow, target, body.note, ctx.urge_threshold))


@router.post("/tags", response_model=WorkOrderView)
async def tag(body: schemas.TagBody, ctx: Ctx, target: TargetTicket) -> WorkOrderView:
    return work_order_view(await commands.tag(ctx.new_uow, target, body.tag, on=True))


# ``path``: a tag may contain "/" ("fibre/backbone"); the client sends it as %2F, which
# arrives decoded.
@router.delete("/tags/{tag:path}", response_model=WorkOrderView)
async def untag(tag: str, ctx: Ctx, target: TargetTicket) -> WorkOrderView:
    return work_order_view(await commands.tag(ctx.new_uow, target, tag, on=False))


@router.put("/watchers/me", response_model=WorkOrderView)
async def watch(ctx: Ctx, target: TargetTicket) -> WorkOrderView:
    return work_order_view(await commands.watch(ctx.new_uow, target, watching=True))


@router.delete("/watchers/me", response_model=WorkOrderView)
async def unwatch(ctx: Ctx, target: TargetTicket) -> WorkOrderView:
    return work_order_view(await commands.watch(ctx.new_uow, target, watching=False))


@router.post("/share", response_model=WorkOrderView)
async def share(body: schemas.ShareBody, ctx: Ctx, target: TargetTicket) -> WorkOrderView:
    return work_order_view(
        await commands.share(ctx.new_uow, target, list(body.shared_with), body.note)
    )


@router.post("/escalate", response_model=WorkOrderView)
async def escalate(body: schemas.EscalateBody, ctx: Ctx, target: TargetTicket) -> WorkOrderView:
    order = await commands.escalate(
        ctx.new_uow, target, body.reason, body.assignee, body.group, body.note
    )
    return work_order_view(order)


@router.post("/upgrade-severity", response_model=WorkOrderView)
async def upgrade_severity(
    body: schemas.SeverityBody, ctx: Ctx, target: TargetTicket
) -> WorkOrderView:
    return work_order_view(
        await commands.upgrade_severity(ctx.new_uow, target, body.severity, body.reason)
    )


@router.post("/problems", response_model=schemas.Created, status_code=201)
async def convert_to_problem(
    body: schemas.ProblemBody, ctx: Ctx, target: TargetTicket
) -> schemas.Created:
    problem = await commands.convert_to_problem(
        ctx.new_uow, target, body.title, body.description, body.impact
    )
    return schemas.Created(id=problem.problem_id, ticket_id=target.ticket_id)


@router.post("/changes", response_model=schemas.Created, status_code=201)
async def submit_change(
    body: schemas.ChangeBody, ctx: Ctx, target: TargetTicket
) -> schemas.Created:
    def record(order: WorkOrder, now: datetime) -> ChangeRecord:
        return ChangeRecord(
            str(uuid4()), order.ticket_id, order.tenant_id, body.title, body.description,
            body.risk, body.planned_start, body.planned_end, body.rollback_plan, now,
            target.actor.id,
        )  # fmt: skip

    change = await commands.submit_change(ctx.new_uow, target, record)
    return schemas.Created(id=change.change_id, ticket_id=target.ticket_id)


@router.post("/wait-customer", response_model=WorkOrderView)
async def wait_customer(body: schemas.ReasonBody, ctx: Ctx, target: TargetTicket) -> WorkOrderView:
    return work_order_view(
        await commands.pause(ctx.new_uow, target, Command.WAIT_CUSTOMER, body.reason)
    )


@router.post("/hold", response_model=WorkOrderView)
async def hold(body: schemas.ReasonBody, ctx: Ctx, target: TargetTicket) -> WorkOrderView:
    return work_order_view(await commands.pause(ctx.new_uow, target, Command.HOLD, body.reason))


@router.post("/investigate", response_model=WorkOrderView)
async def investigate(body: schemas.ReasonBody, ctx: Ctx, target: TargetTicket) -> WorkOrderView:
    return work_order_view(
        await commands.pause(ctx.new_uow, target, Command.INVESTIGATE, body.reason)
    )


@router.post("/resume", response_model=WorkOrderView)
async def resume(body: schemas.ReasonBody, ctx: Ctx, target: TargetTicket) -> WorkOrderView:
    return work_order_view(await commands.resume(ctx.new_uow, target, body.reason))


@router.post("/resolve", response_model=WorkOrderView)
async def resolve(body: schemas.ResolveBody, ctx: Ctx, target: TargetTicket) -> WorkOrderView:
    """回单: cause, solution, closure code; an overdue reason once an SLA was breached;
    ``follow_up`` to track the ticket. A ticket an approval rule covers goes to
    ``pending_approval`` with the resolution proposed."""
    resolution = Resolution(body.cause, body.solution, body.closure_code, body.overdue_reason)
    plan = FollowUpPlan(body.follow_up.on, body.follow_up.note) if body.follow_up else None
    return work_order_view(await commands.resolve(ctx.new_uow, target, resolution, plan))


@router.post("/approve", response_model=WorkOrderView)
async def approve(body: schemas.ApproveBody, ctx: Ctx, target: TargetTicket) -> WorkOrderView:
    """审批: the waiting step approves; the last one applies the proposed resolution."""
    order = await commands.approve(ctx.new_uow, target, body.comment, body.overdue_reason)
    return work_order_view(order)


@router.post("/reject", response_model=WorkOrderView)
async def reject(body: schemas.RejectBody, ctx: Ctx, target: TargetTicket) -> WorkOrderView:
    """The waiting step rejects the proposal: back to in_progress, with the reason."""
    return work_order_view(await commands.reject(ctx.new_uow, target, body.reason))


@router.post("/request-extension", response_model=WorkOrderView)
async def request_extension(
    body: schemas.ExtensionBody, ctx: Ctx, target: TargetTicket
) -> WorkOrderView:
    """延期申请: the assignee asks for the resolution target to move to ``until``."""
    return work_order_view(
        await commands.request_extension(ctx.new_uow, target, body.until, body.reason)
    )


@router.post("/approve-extension", response_model=WorkOrderView)
async def approve_extension(
    body: schemas.CommentNoteBody, ctx: Ctx, target: TargetTicket
) -> WorkOrderView:
    return work_order_view(await commands.decide_extension(ctx.new_uow, target, True, body.comment))


@router.post("/reject-extension", response_model=WorkOrderView)
async def reject_extension(
    body: schemas.RejectBody, ctx: Ctx, target: TargetTicket
) -> WorkOrderView:
    return work_order_view(await commands.decide_extension(ctx.new_uow, target, False, body.reason))


@router.post("/track", response_model=WorkOrderView)
async def track(body: schemas.FollowUpBody, ctx: Ctx, target: TargetTicket) -> WorkOrderView:
    """跟踪工单 on a resolved or closed ticket (again: a new date)."""
    plan = FollowUpPlan(body.on, body.note)
    return work_order_view(await commands.track(ctx.new_uow, target, plan))


@router.post("/close-tracking", response_model=WorkOrderView)
async def close_tracking(
    body: schemas.TrackingNoteBody, ctx: Ctx, target: TargetTicket
) -> WorkOrderView:
    return work_order_view(await commands.close_tracking(ctx.new_uow, target, body.note))


@router.post("/track-to-new-ticket", response_model=schemas.TrackingOutcome, status_code=202)
async def track_to_new_ticket(
    body: schemas.NewTicketBody, ctx: Ctx, target: TargetTicket
) -> schemas.TrackingOutcome:
    """The follow-up becomes a new ticket related to this one, registered through intake."""
    order, follow_up = await commands.track_to_new_ticket(ctx.new_uow, target, body.description)
    return schemas.TrackingOutcome(
        status=order.status, follow_up_of=order.ticket_id,
        external_ref=follow_up.external_ref or "", version=order.version,
    )  # fmt: skip


@router.post("/customer-reply", response_model=schemas.ReplyOutcome, status_code=202)
async def customer_reply(
    body: schemas.MessageBody, ctx: Ctx, target: TargetTicket
) -> schemas.ReplyOutcome:
    """Back to work; on a closed ticket a new, linked ticket is registered instead."""
    order, follow_up = await commands.customer_reply(ctx.new_uow, target, body.message)
    follow_up_of = follow_up.ticket_id if follow_up else None
    return schemas.ReplyOutcome(
        status=order.status, follow_up_of=follow_up_of, version=order.version
    )


@router.post("/confirm", response_model=WorkOrderView)
async def confirm(ctx: Ctx, target: TargetTicket) -> WorkOrderView:
    return work_order_view(await commands.confirm(ctx.new_uow, target))


@router.post("/cancel", response_model=WorkOrderView)
async def cancel(body: schemas.CancelBody, ctx: Ctx, target: TargetTicket) -> WorkOrderView:
    return work_order_view(await commands.cancel(ctx.new_uow, target, body.reason))


@router.post("/comments", response_model=schemas.Created, status_code=201)
async def comment(body: schemas.CommentBody, ctx: Ctx, target: TargetTicket) -> schemas.Created:
    """The internal feed."""
    comment_id = await commands.comment(ctx.new_uow, target, Command.COMMENT, body.body)
    return schemas.Created(id=comment_id, ticket_id=target.ticket_id)


@router.post("/portal-messages", response_model=schemas.Created, status_code=201)
async def portal_message(
    body: schemas.CommentBody, ctx: Ctx, target: TargetTicket
) -> schemas.Created:
    """A message the customer sees on the portal."""
    comment_id = await commands.comment(ctx.new_uow, target, Command.PORTAL_MESSAGE, body.body)
    return schemas.Created(id=comment_id, ticket_id=target.ticket_id)
