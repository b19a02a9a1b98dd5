"""The WorkOrder aggregate: a ticket's workflow as dispatch owns it (SPEC §4).

Every command checks the transition table, changes the state and records the events it
causes in ``events``; a refused command raises and changes nothing. The aggregate lists
every command; each command's rule is a plain function in the module named beside it,
over the state and bookkeeping of :class:`~services.dispatch.domain.state.WorkOrderState`.
"""

from datetime import datetime

from services.dispatch.domain import (
    approval,
    assignment,
    collaboration,
    escalation,
    extension,
    progress,
    tracking,
)
from services.dispatch.domain.approval import ApprovalRule
from services.dispatch.domain.command_names import Command
from services.dispatch.domain.people import Colleagues
from services.dispatch.domain.state import WorkOrderState
from services.dispatch.domain.values import (
    ChangeRecord,
    FollowUp,
    FollowUpPlan,
    ProblemRecord,
    Resolution,
)
from shared.events import SYSTEM_ACTOR, Actor, TicketRegistered
from shared.events.dispatch import Appointment, EscalationReason
from shared.events.vocabulary import Severity, TicketStatus


class WorkOrder(WorkOrderState):
    @classmethod
    def open(cls, registered: TicketRegistered, now: datetime) -> "WorkOrder":
        p = registered.payload
        location = p.location
        order = cls(
            ticket_id=registered.ticket_id,
            tenant_id=registered.tenant_id,
            number=p.number,
            type=p.type,
            priority=p.priority,
            severity=p.severity,
            status=p.status,
            subject=p.subject,
            source=p.source,
            contact=p.contact,
            account_id=p.account_id,
            service=p.service,
            region=location.region if location else None,
            lon=location.lon if location else None,
            lat=location.lat if location else None,
            tags=list(p.tags),
            needs_onsite=p.needs_onsite,
            related_to=p.related_to or p.repeat_of,
        )
        answer = p.first_contact_resolution
        if answer is not None and order.status is TicketStatus.NEW:
            # 直接答复: closed at once in the registering agent's name, so never routed.
            resolution = Resolution(answer.cause, answer.solution, answer.closure_code)
            progress.resolve_at_first_contact(order, resolution, registered.actor, now)
        elif order.severity is Severity.MAJOR and order.status is not TicketStatus.QUARANTINED:
            order.raise_major_alert(SYSTEM_ACTOR, now)
        return order

    # Who holds the ticket (domain/assignment.py).
    def release(self, actor: Actor, now: datetime) -> None:
        assignment.release(self, actor, now)

    def assign(
        self, assignee: str, group: str | None, reason: str, actor: Actor, now: datetime
    ) -> None:
        assignment.assign(self, assignee, group, reason, actor, now)

    def accept(self, appointment: Appointment | None, actor: Actor, now: datetime) -> None:
        assignment.accept(self, appointment, actor, now)

    def start(self, actor: Actor, now: datetime) -> None:
        assignment.start(self, actor, now)

    def transfer(
        self, to_assignee: str, to_group: str | None, reason: str, actor: Actor, now: datetime
    ) -> None:
        assignment.transfer(self, to_assignee, to_group, reason, actor, now)

    def return_to_centre(self, centre: str, reason: str, actor: Actor, now: datetime) -> None:
        assignment.return_to_centre(self, centre, reason, actor, now)

    # Working it to its end (domain/progress.py).
    def pause(self, command: Command, reason: str | None, actor: Actor, now: datetime) -> None:
        progress.pause(self, command, reason, actor, now)

    def resume(self, reason: str | None, actor: Actor, now: datetime) -> None:
        progress.resume(self, reason, actor, now)

    def mark_overdue(self) -> bool:
        return progress.mark_overdue(self)

    def resolve(
        self,
        resolution: Resolution,
        actor: Actor,
        now: datetime,
        rule: ApprovalRule | None = None,
        follow_up: FollowUpPlan | None = None,
    ) -> None:
        """回单; ``rule``: the tenant's approval rule covering the ticket, if any."""
        progress.resolve(self, resolution, actor, now, rule, follow_up)

    def customer_reply(self, message: str, actor: Actor, now: datetime) -> FollowUp | None:
        return progress.customer_reply(self, message, actor, now)

    def confirm(self, actor: Actor, now: datetime) -> None:
        progress.confirm(self, actor, now)

    def auto_close(self, actor: Actor, now: datetime) -> None:
        progress.auto_close(self, actor, now)

    def close(self, actor: Actor, now: datetime) -> None:
        progress.close(self, actor, now)

    def cancel(self, reason: str, actor: Actor, now: datetime) -> None:
        progress.cancel(self, reason, actor, now)

    # Pressure on it: urges, escalation, severity (domain/escalation.py).
    def urge(self, note: str | None, auto_escalate_at: int, actor: Actor, now: datetime) -> None:
        escalation.urge(self, note, auto_escalate_at, actor, now)

    def escalate(
        self,
        reason: EscalationReason,
        assignee: str | None,
        group: str | None,
        note: str | None,
        actor: Actor,
        now: datetime,
    ) -> None:
        escalation.escalate(self, reason, assignee, group, note, actor, now)

    def upgrade_severity(
        self, to: Severity, reason: str | None, actor: Actor, now: datetime
    ) -> None:
        escalation.upgrade_severity(self, to, reason, actor, now)

    # People around it: tags, watchers, comments, problems, changes (domain/collaboration.py).
    def tag(self, tag: str, actor: Actor, now: datetime) -> None:
        collaboration.tag(self, tag, actor, now)

    def untag(self, tag: str, actor: Actor, now: datetime) -> None:
        collaboration.untag(self, tag, actor, now)

    def watch(self, watching: bool, actor: Actor, now: datetime) -> None:
        collaboration.watch(self, watching, actor, now)

    def share(
        self,
        people: list[str],
        note: str | None,
        colleagues: Colleagues,
        actor: Actor,
        now: datetime,
    ) -> None:
        collaboration.share(self, people, note, colleagues, actor, now)

    def comment(self, command: Command, body: str, actor: Actor, now: datetime) -> str:
        return collaboration.comment(self, command, body, actor, now)

    def convert_to_problem(
        self, title: str, description: str, impact: str | None, actor: Actor, now: datetime
    ) -> ProblemRecord:
        return collaboration.convert_to_problem(self, title, description, impact, actor, now)

    def submit_change(self, change: ChangeRecord, actor: Actor, now: datetime) -> ChangeRecord:
        return collaboration.submit_change(self, change, actor, now)

    # Approval before the reply, 审核/审批 (domain/approval.py).
    def approve(
        self, comment: str | None, overdue_reason: str | None, actor: Actor, now: datetime
    ) -> None:
        approval.approve(self, comment, overdue_reason, actor, now)

    def reject(self, reason: str, actor: Actor, now: datetime) -> None:
        approval.reject(self, reason, actor, now)

    # More time, 延期申请 (domain/extension.py).
    def request_extension(self, until: datetime, reason: str, actor: Actor, now: datetime) -> None:
        extension.request(self, until, reason, actor, now)

    def approve_extension(self, comment: str | None, actor: Actor, now: datetime) -> None:
        extension.approve(self, comment, actor, now)

    def reject_extension(self, reason: str, actor: Actor, now: datetime) -> None:
        extension.reject(self, reason, actor, now)

    # Following it up, 跟踪工单 (domain/tracking.py).
    def track(self, plan: FollowUpPlan, actor: Actor, now: datetime) -> None:
        tracking.track(self, plan, actor, now)

    def close_tracking(self, note: str | None, actor: Actor, now: datetime) -> None:
        tracking.close_tracking(self, note, actor, now)

    def track_to_new_ticket(self, description: str | None, actor: Actor, now: datetime) -> FollowUp:
        return tracking.to_new_ticket(self, description, actor, now)
