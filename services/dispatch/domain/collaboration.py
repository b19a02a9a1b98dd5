"""Working with others: tags, watchers, sharing, comments, linked problem and change records."""

from datetime import datetime
from uuid import uuid4

from services.dispatch.domain.command_names import Command
from services.dispatch.domain.errors import InvalidField
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
    TicketWatchChanged,
    TicketWatchChangedPayload,
)

VISIBILITY = {
    Command.COMMENT: CommentVisibility.INTERNAL,
    Command.PORTAL_MESSAGE: CommentVisibility.PORTAL,
}


class CollaborationCommands(WorkOrderState):
    def tag(self, tag: str, actor: Actor, now: datetime) -> None:
        target = self._target(Command.TAG, actor)
        if tag not in self.tags:
            self.tags.append(tag)
            self._finish(Command.TAG, target, actor, now, tag)

    def untag(self, tag: str, actor: Actor, now: datetime) -> None:
        target = self._target(Command.UNTAG, actor)
        if tag in self.tags:
            self.tags.remove(tag)
            self._finish(Command.UNTAG, target, actor, now, tag)

    def watch(self, watching: bool, actor: Actor, now: datetime) -> None:
        """Watch or unwatch for oneself; asking for what already holds changes nothing."""
        command = Command.WATCH if watching else Command.UNWATCH
        target = self._target(command, actor)
        if (actor.id in self.watchers) == watching:
            return
        if watching:
            self.watchers.append(actor.id)
        else:
            self.watchers.remove(actor.id)
        payload = TicketWatchChangedPayload(
            watcher=actor.id, watching=watching, watchers=list(self.watchers)
        )
        self._emit(TicketWatchChanged, payload, actor, now)
        self._finish(command, target, actor, now)

    def share(self, people: list[str], note: str | None, actor: Actor, now: datetime) -> None:
        target = self._target(Command.SHARE, actor)
        if not people:
            raise InvalidField("shared_with", "name at least one person")
        self.shared_with.extend(p for p in people if p not in self.shared_with)
        self._emit(TicketShared, TicketSharedPayload(shared_with=people, note=note), actor, now)
        self._finish(Command.SHARE, target, actor, now)

    def comment(self, command: Command, body: str, actor: Actor, now: datetime) -> str:
        """An internal-feed comment or a portal message to the customer; its id."""
        target = self._target(command, actor)
        comment_id = str(uuid4())
        payload = TicketCommentedPayload(
            comment_id=comment_id, body=body, visibility=VISIBILITY[command], status=target
        )
        self._emit(TicketCommented, payload, actor, now)
        self._finish(command, target, actor, now)
        return comment_id

    def convert_to_problem(
        self, title: str, description: str, impact: str | None, actor: Actor, now: datetime
    ) -> ProblemRecord:
        target = self._target(Command.CONVERT_TO_PROBLEM, actor)
        problem = ProblemRecord(
            str(uuid4()), self.ticket_id, self.tenant_id, title, description, impact, now, actor.id
        )
        self.problems.append(problem.problem_id)
        payload = ProblemCreatedPayload(
            problem_id=problem.problem_id, title=title, description=description, impact=impact
        )
        self._emit(ProblemCreated, payload, actor, now)
        self._finish(Command.CONVERT_TO_PROBLEM, target, actor, now, problem.problem_id)
        return problem

    def submit_change(self, change: ChangeRecord, actor: Actor, now: datetime) -> ChangeRecord:
        target = self._target(Command.SUBMIT_CHANGE, actor)
        if change.planned_end <= change.planned_start:
            raise InvalidField("planned_end", "must be after planned_start")
        self.changes.append(change.change_id)
        payload = ChangeSubmittedPayload(
            change_id=change.change_id,
            title=change.title,
            description=change.description,
            risk=change.risk,
            planned_start=change.planned_start,
            planned_end=change.planned_end,
            rollback_plan=change.rollback_plan,
        )
        self._emit(ChangeSubmitted, payload, actor, now)
        self._finish(Command.SUBMIT_CHANGE, target, actor, now, change.change_id)
        return change
