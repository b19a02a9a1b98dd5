"""Working with others: tags, watchers, sharing, comments, linked problem and change records."""

from datetime import datetime
from uuid import uuid4

from services.dispatch.domain.command_names import Command
from services.dispatch.domain.errors import InvalidField
from services.dispatch.domain.people import Colleagues
from services.dispatch.domain.state import WorkOrderState
from services.dispatch.domain.values import ChangeRecord, ProblemRecord
from shared.events import Actor
from shared.events.dispatch import (
    ChangeSubmitted,
    ChangeSubmittedPayload,
    CommentVisibility,
    ProblemCreated,
    ProblemCreatedPayload,
    TicketCommented,
    TicketCommentedPayload,
    TicketShared,
    TicketSharedPayload,
    TicketTagged,
    TicketTagsPayload,
    TicketUntagged,
    TicketWatchChanged,
    TicketWatchChangedPayload,
)

VISIBILITY = {
    Command.COMMENT: CommentVisibility.INTERNAL,
    Command.PORTAL_MESSAGE: CommentVisibility.PORTAL,
}


def tag(order: WorkOrderState, tag: str, actor: Actor, now: datetime) -> None:
    target = order.next_status(Command.TAG, actor)
    if tag not in order.tags:
        order.tags.append(tag)
        order.record(TicketTagged, TicketTagsPayload(tag=tag, tags=list(order.tags)), actor, now)
        order.finish(Command.TAG, target, actor, now, tag)


def untag(order: WorkOrderState, tag: str, actor: Actor, now: datetime) -> None:
    target = order.next_status(Command.UNTAG, actor)
    if tag in order.tags:
        order.tags.remove(tag)
        payload = TicketTagsPayload(tag=tag, tags=list(order.tags))
        order.record(TicketUntagged, payload, actor, now)
        order.finish(Command.UNTAG, target, actor, now, tag)


def watch(order: WorkOrderState, watching: bool, actor: Actor, now: datetime) -> None:
    """Watch or unwatch for oneself; asking for what already holds changes nothing."""
    command = Command.WATCH if watching else Command.UNWATCH
    target = order.next_status(command, actor)
    if (actor.id in order.watchers) == watching:
        return
    if watching:
        order.watchers.append(actor.id)
    else:
        order.watchers.remove(actor.id)
    payload = TicketWatchChangedPayload(
        watcher=actor.id, watching=watching, watchers=list(order.watchers)
    )
    order.record(TicketWatchChanged, payload, actor, now)
    order.finish(command, target, actor, now)


def share(
    order: WorkOrderState,
    people: list[str],
    note: str | None,
    colleagues: Colleagues,
    actor: Actor,
    now: datetime,
) -> None:
    """公告 to people of the sharer's centre only (rule 12); anyone else refuses it all."""
    target = order.next_status(Command.SHARE, actor)
    if not people:
        raise InvalidField("shared_with", "name at least one person")
    refused = colleagues.outside(people)
    if refused:
        reason = "only people of the sharer's centre: " + "; ".join(refused.values())
        raise InvalidField("shared_with", reason)
    order.shared_with.extend(p for p in people if p not in order.shared_with)
    order.record(TicketShared, TicketSharedPayload(shared_with=people, note=note), actor, now)
    order.finish(Command.SHARE, target, actor, now)


def comment(order: WorkOrderState, command: Command, body: str, actor: Actor, now: datetime) -> str:
    """An internal-feed comment or a portal message to the customer; its id."""
    target = order.next_status(command, actor)
    comment_id = str(uuid4())
    payload = TicketCommentedPayload(
        comment_id=comment_id, body=body, visibility=VISIBILITY[command], status=target
    )
    order.record(TicketCommented, payload, actor, now)
    order.finish(command, target, actor, now)
    return comment_id


def convert_to_problem(
    order: WorkOrderState,
    title: str,
    description: str,
    impact: str | None,
    actor: Actor,
    now: datetime,
) -> ProblemRecord:
    target = order.next_status(Command.CONVERT_TO_PROBLEM, actor)
    problem = ProblemRecord(
        str(uuid4()), order.ticket_id, order.tenant_id, title, description, impact, now, actor.id
    )
    order.problems.append(problem.problem_id)
    payload = ProblemCreatedPayload(
        problem_id=problem.problem_id, title=title, description=description, impact=impact
    )
    order.record(ProblemCreated, payload, actor, now)
    order.finish(Command.CONVERT_TO_PROBLEM, target, actor, now, problem.problem_id)
    return problem


def submit_change(
    order: WorkOrderState, change: ChangeRecord, actor: Actor, now: datetime
) -> ChangeRecord:
    target = order.next_status(Command.SUBMIT_CHANGE, actor)
    if change.planned_end <= change.planned_start:
        raise InvalidField("planned_end", "must be after planned_start")
    order.changes.append(change.change_id)
    payload = ChangeSubmittedPayload(
        change_id=change.change_id,
        title=change.title,
        description=change.description,
        risk=change.risk,
        planned_start=change.planned_start,
        planned_end=change.planned_end,
        rollback_plan=change.rollback_plan,
    )
    order.record(ChangeSubmitted, payload, actor, now)
    order.finish(Command.SUBMIT_CHANGE, target, actor, now, change.change_id)
    return change
