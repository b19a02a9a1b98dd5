"""One use case per workflow command; each runs the aggregate's method in a unit of work."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from services.dispatch.app.context import DispatchContext
from services.dispatch.app.ports import DispatchUnitOfWork
from services.dispatch.app.workflow import execute
from services.dispatch.domain.command_names import Command
from services.dispatch.domain.escalation import escalation_reason
from services.dispatch.domain.values import ChangeRecord, FollowUp, ProblemRecord, Resolution
from services.dispatch.domain.work_order import WorkOrder
from shared.events import Actor
from shared.events.dispatch import Appointment
from shared.events.vocabulary import Severity

T = TypeVar("T")


@dataclass(frozen=True)
class Target:
    """Which work order, at which version (``None``: whatever is current), by whom."""

    ticket_id: str
    actor: Actor
    expected_version: int | None = None


async def run(
    ctx: DispatchContext, target: Target, act: Callable[[WorkOrder, datetime], T]
) -> tuple[WorkOrder, T]:
    async def on(order: WorkOrder, uow: DispatchUnitOfWork) -> T:
        return act(order, uow.now())

    return await execute(ctx.new_uow, target.ticket_id, target.expected_version, on)


async def assign(
    ctx: DispatchContext, t: Target, assignee: str, group: str | None, reason: str
) -> WorkOrder:
    order, _ = await run(ctx, t, lambda o, now: o.assign(assignee, group, reason, t.actor, now))
    return order


async def accept(ctx: DispatchContext, t: Target, appointment: Appointment | None) -> WorkOrder:
    order, _ = await run(ctx, t, lambda o, now: o.accept(appointment, t.actor, now))
    return order


async def start(ctx: DispatchContext, t: Target) -> WorkOrder:
    order, _ = await run(ctx, t, lambda o, now: o.start(t.actor, now))
    return order


async def transfer(
    ctx: DispatchContext, t: Target, to_assignee: str | None, to_group: str | None, reason: str
) -> WorkOrder:
    """To one person, or back to the dispatch-centre queue when nobody is named."""

    def act(o: WorkOrder, now: datetime) -> None:
        if to_assignee is None:
            o.return_to_centre(ctx.dispatch_centre, reason, t.actor, now)
        else:
            o.transfer(to_assignee, to_group, reason, t.actor, now)

    order, _ = await run(ctx, t, act)
    return order


async def urge(ctx: DispatchContext, t: Target, note: str | None) -> WorkOrder:
    async def act(o: WorkOrder, uow: DispatchUnitOfWork) -> None:
        threshold = await uow.directory.urge_threshold(o.tenant_id)
        limit = ctx.urge_threshold if threshold is None else threshold
        o.urge(note, limit, t.actor, uow.now())

    order, _ = await execute(ctx.new_uow, t.ticket_id, t.expected_version, act)
    return order


async def tag(ctx: DispatchContext, t: Target, label: str, on: bool) -> WorkOrder:
    def act(o: WorkOrder, now: datetime) -> None:
        (o.tag if on else o.untag)(label, t.actor, now)

    order, _ = await run(ctx, t, act)
    return order


async def watch(ctx: DispatchContext, t: Target, watching: bool) -> WorkOrder:
    order, _ = await run(ctx, t, lambda o, now: o.watch(watching, t.actor, now))
    return order


async def share(ctx: DispatchContext, t: Target, people: list[str], note: str | None) -> WorkOrder:
    order, _ = await run(ctx, t, lambda o, now: o.share(people, note, t.actor, now))
    return order


async def escalate(
    ctx: DispatchContext,
    t: Target,
    reason: str,
    assignee: str | None,
    group: str | None,
    note: str | None,
) -> WorkOrder:
    why = escalation_reason(reason)
    order, _ = await run(
        ctx, t, lambda o, now: o.escalate(why, assignee, group, note, t.actor, now)
    )
    return order


async def upgrade_severity(
    ctx: DispatchContext, t: Target, to: Severity, reason: str | None
) -> WorkOrder:
    order, _ = await run(ctx, t, lambda o, now: o.upgrade_severity(to, reason, t.actor, now))
    return order


async def convert_to_problem(
    ctx: DispatchContext, t: Target, title: str, description: str, impact: str | None
) -> ProblemRecord:
    _, problem = await run(
        ctx, t, lambda o, now: o.convert_to_problem(title, description, impact, t.actor, now)
    )
    return problem


async def submit_change(
    ctx: DispatchContext, t: Target, make: Callable[[WorkOrder, datetime], ChangeRecord]
) -> ChangeRecord:
    _, change = await run(ctx, t, lambda o, now: o.submit_change(make(o, now), t.actor, now))
    return change


async def pause(ctx: DispatchContext, t: Target, command: Command, reason: str | None) -> WorkOrder:
    order, _ = await run(ctx, t, lambda o, now: o.pause(command, reason, t.actor, now))
    return order


async def resume(ctx: DispatchContext, t: Target, reason: str | None) -> WorkOrder:
    order, _ = await run(ctx, t, lambda o, now: o.resume(reason, t.actor, now))
    return order


async def resolve(ctx: DispatchContext, t: Target, resolution: Resolution) -> WorkOrder:
    order, _ = await run(ctx, t, lambda o, now: o.resolve(resolution, t.actor, now))
    return order


async def customer_reply(
    ctx: DispatchContext, t: Target, message: str
) -> tuple[WorkOrder, FollowUp | None]:
    return await run(ctx, t, lambda o, now: o.customer_reply(message, t.actor, now))


async def confirm(ctx: DispatchContext, t: Target) -> WorkOrder:
    order, _ = await run(ctx, t, lambda o, now: o.confirm(t.actor, now))
    return order


async def cancel(ctx: DispatchContext, t: Target, reason: str) -> WorkOrder:
    order, _ = await run(ctx, t, lambda o, now: o.cancel(reason, t.actor, now))
    return order


async def comment(ctx: DispatchContext, t: Target, command: Command, body: str) -> str:
    _, comment_id = await run(ctx, t, lambda o, now: o.comment(command, body, t.actor, now))
    return comment_id
