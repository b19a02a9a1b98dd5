"""One use case per workflow command; each runs the aggregate's method in a unit of work."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from services.dispatch.app.ports import DispatchUnitOfWork, NewUnitOfWork
from services.dispatch.app.workflow import execute
from services.dispatch.domain import approval, incidents
from services.dispatch.domain.command_names import Command
from services.dispatch.domain.escalation import escalation_reason
from services.dispatch.domain.people import Colleagues
from services.dispatch.domain.values import (
    ChangeRecord,
    FollowUp,
    FollowUpPlan,
    ProblemRecord,
    Resolution,
)
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
    new_uow: NewUnitOfWork, target: Target, act: Callable[[WorkOrder, datetime], T]
) -> tuple[WorkOrder, T]:
    async def on(order: WorkOrder, uow: DispatchUnitOfWork) -> T:
        return act(order, uow.now())

    return await execute(new_uow, target.ticket_id, target.expected_version, on)


async def assign(
    new_uow: NewUnitOfWork, t: Target, assignee: str, group: str | None, reason: str
) -> WorkOrder:
    order, _ = await run(new_uow, t, lambda o, now: o.assign(assignee, group, reason, t.actor, now))
    return order


async def accept(new_uow: NewUnitOfWork, t: Target, appointment: Appointment | None) -> WorkOrder:
    order, _ = await run(new_uow, t, lambda o, now: o.accept(appointment, t.actor, now))
    return order


async def start(new_uow: NewUnitOfWork, t: Target) -> WorkOrder:
    order, _ = await run(new_uow, t, lambda o, now: o.start(t.actor, now))
    return order


async def transfer(
    new_uow: NewUnitOfWork,
    t: Target,
    to_assignee: str | None,
    to_group: str | None,
    reason: str,
    centre: str,
) -> WorkOrder:
    """To one person, or back to the dispatch-centre queue when nobody is named."""

    def act(o: WorkOrder, now: datetime) -> None:
        if to_assignee is None:
            o.return_to_centre(centre, reason, t.actor, now)
        else:
            o.transfer(to_assignee, to_group, reason, t.actor, now)

    order, _ = await run(new_uow, t, act)
    return order


async def urge(
    new_uow: NewUnitOfWork, t: Target, note: str | None, default_threshold: int
) -> WorkOrder:
    """``default_threshold``: the urges that escalate when the tenant set none."""

    async def act(o: WorkOrder, uow: DispatchUnitOfWork) -> None:
        threshold = await uow.directory.urge_threshold(o.tenant_id)
        limit = default_threshold if threshold is None else threshold
        o.urge(note, limit, t.actor, uow.now())

    order, _ = await execute(new_uow, t.ticket_id, t.expected_version, act)
    return order


async def tag(new_uow: NewUnitOfWork, t: Target, label: str, on: bool) -> WorkOrder:
    def act(o: WorkOrder, now: datetime) -> None:
        (o.tag if on else o.untag)(label, t.actor, now)

    order, _ = await run(new_uow, t, act)
    return order


async def watch(new_uow: NewUnitOfWork, t: Target, watching: bool) -> WorkOrder:
    order, _ = await run(new_uow, t, lambda o, now: o.watch(watching, t.actor, now))
    return order


async def share(
    new_uow: NewUnitOfWork, t: Target, people: list[str], note: str | None
) -> WorkOrder:
    """公告 inside the sharer's centre (rule 12), as the tenant's directory says."""

    async def act(o: WorkOrder, uow: DispatchUnitOfWork) -> None:
        known = await uow.directory.people(o.tenant_id, [t.actor.id, *people])
        colleagues = Colleagues(o.tenant_id, known.get(t.actor.id), known)
        o.share(people, note, colleagues, t.actor, uow.now())

    order, _ = await execute(new_uow, t.ticket_id, t.expected_version, act)
    return order


async def escalate(
    new_uow: NewUnitOfWork,
    t: Target,
    reason: str,
    assignee: str | None,
    group: str | None,
    note: str | None,
) -> WorkOrder:
    why = escalation_reason(reason)
    order, _ = await run(
        new_uow, t, lambda o, now: o.escalate(why, assignee, group, note, t.actor, now)
    )
    return order


async def upgrade_severity(
    new_uow: NewUnitOfWork, t: Target, to: Severity, reason: str | None
) -> WorkOrder:
    order, _ = await run(new_uow, t, lambda o, now: o.upgrade_severity(to, reason, t.actor, now))
    return order


async def convert_to_problem(
    new_uow: NewUnitOfWork, t: Target, title: str, description: str, impact: str | None
) -> ProblemRecord:
    _, problem = await run(
        new_uow, t, lambda o, now: o.convert_to_problem(title, description, impact, t.actor, now)
    )
    return problem


async def submit_change(
    new_uow: NewUnitOfWork, t: Target, make: Callable[[WorkOrder, datetime], ChangeRecord]
) -> ChangeRecord:
    _, change = await run(new_uow, t, lambda o, now: o.submit_change(make(o, now), t.actor, now))
    return change


async def pause(
    new_uow: NewUnitOfWork, t: Target, command: Command, reason: str | None
) -> WorkOrder:
    order, _ = await run(new_uow, t, lambda o, now: o.pause(command, reason, t.actor, now))
    return order


async def resume(new_uow: NewUnitOfWork, t: Target, reason: str | None) -> WorkOrder:
    order, _ = await run(new_uow, t, lambda o, now: o.resume(reason, t.actor, now))
    return order


async def resolve(
    new_uow: NewUnitOfWork,
    t: Target,
    resolution: Resolution,
    follow_up: FollowUpPlan | None = None,
) -> WorkOrder:
    """回单, or its proposal when one of the tenant's approval rules covers the ticket."""

    async def act(o: WorkOrder, uow: DispatchUnitOfWork) -> None:
        rule = approval.matching_rule(await uow.directory.approval_rules(o.tenant_id), o)
        o.resolve(resolution, t.actor, uow.now(), rule, follow_up)

    order, _ = await execute(new_uow, t.ticket_id, t.expected_version, act)
    return order


async def approve(
    new_uow: NewUnitOfWork, t: Target, comment: str | None, overdue_reason: str | None
) -> WorkOrder:
    order, _ = await run(
        new_uow, t, lambda o, now: o.approve(comment, overdue_reason, t.actor, now)
    )
    return order


async def reject(new_uow: NewUnitOfWork, t: Target, reason: str) -> WorkOrder:
    order, _ = await run(new_uow, t, lambda o, now: o.reject(reason, t.actor, now))
    return order


async def request_extension(
    new_uow: NewUnitOfWork, t: Target, until: datetime, reason: str
) -> WorkOrder:
    order, _ = await run(
        new_uow, t, lambda o, now: o.request_extension(until, reason, t.actor, now)
    )
    return order


async def decide_extension(
    new_uow: NewUnitOfWork, t: Target, approved: bool, note: str | None
) -> WorkOrder:
    """Approve (``note`` an optional comment) or reject (``note`` the reason)."""

    def act(o: WorkOrder, now: datetime) -> None:
        if approved:
            o.approve_extension(note, t.actor, now)
        else:
            o.reject_extension(note or "", t.actor, now)

    order, _ = await run(new_uow, t, act)
    return order


async def track(new_uow: NewUnitOfWork, t: Target, plan: FollowUpPlan) -> WorkOrder:
    order, _ = await run(new_uow, t, lambda o, now: o.track(plan, t.actor, now))
    return order


async def close_tracking(new_uow: NewUnitOfWork, t: Target, note: str | None) -> WorkOrder:
    order, _ = await run(new_uow, t, lambda o, now: o.close_tracking(note, t.actor, now))
    return order


async def track_to_new_ticket(
    new_uow: NewUnitOfWork, t: Target, description: str | None
) -> tuple[WorkOrder, FollowUp]:
    """The new ticket is submitted upstream with the commit (like a reply to a closed one)."""
    return await run(new_uow, t, lambda o, now: o.track_to_new_ticket(description, t.actor, now))


async def customer_reply(
    new_uow: NewUnitOfWork, t: Target, message: str
) -> tuple[WorkOrder, FollowUp | None]:
    return await run(new_uow, t, lambda o, now: o.customer_reply(message, t.actor, now))


async def confirm(new_uow: NewUnitOfWork, t: Target) -> WorkOrder:
    order, _ = await run(new_uow, t, lambda o, now: o.confirm(t.actor, now))
    return order


async def cancel(new_uow: NewUnitOfWork, t: Target, reason: str) -> WorkOrder:
    order, _ = await run(new_uow, t, lambda o, now: o.cancel(reason, t.actor, now))
    return order


async def comment(new_uow: NewUnitOfWork, t: Target, command: Command, body: str) -> str:
    _, comment_id = await run(new_uow, t, lambda o, now: o.comment(command, body, t.actor, now))
    return comment_id


async def unlink_parent(new_uow: NewUnitOfWork, t: Target, reason: str | None) -> WorkOrder:
    """Handle the ticket on its own again: resolving the parent no longer resolves it."""

    async def act(o: WorkOrder, uow: DispatchUnitOfWork) -> None:
        incidents.unlink(o, reason, t.actor, uow.now())

    order, _ = await execute(new_uow, t.ticket_id, t.expected_version, act)
    return order
