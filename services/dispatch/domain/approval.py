"""审核/审批 before the reply: a tenant's approval rules, and a proposed resolution's chain.

Rule 7: the handling form is approved by the department leader before it is submitted;
rule 8: tickets about sensitive issues, public opinion or complaints are reviewed by the
office and approved by the centre's leader before the reply goes out. A tenant's rules
(admin API, first match by ``order``) say which tickets need which chain; ``resolve`` on
such a ticket proposes the resolution (status ``pending_approval``), each step approves
(next step, or, at the last, the resolution is applied: ``ticket.resolved``) or rejects
with a reason (back to ``in_progress``).
"""

from collections.abc import Iterable
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from services.dispatch.domain import resolving
from services.dispatch.domain.command_names import Command
from services.dispatch.domain.errors import Forbidden, InvalidField
from services.dispatch.domain.roles import APPROVERS
from services.dispatch.domain.state import WorkOrderState
from services.dispatch.domain.transitions import AWAITING_APPROVAL
from services.dispatch.domain.values import Approval, FollowUpPlan, Resolution
from shared.events import Actor
from shared.events.dispatch import (
    ApprovalRejected,
    ApprovalRejectedPayload,
    ApprovalRequested,
    ApprovalRequestedPayload,
    ApproverStep,
    ProposedResolution,
    TicketApproved,
    TicketApprovedPayload,
)
from shared.events.vocabulary import Severity, TicketType

MAX_STEPS = 10


class ApprovalRule(BaseModel):
    """Every criterion given must hold (``tags`` all on the ticket); ``chain`` in order."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rule_id: str = ""
    order: int = 0
    ticket_type: TicketType | None = None
    service: str | None = None
    tags: tuple[str, ...] = ()
    severity: Severity | None = None
    chain: tuple[ApproverStep, ...] = Field(min_length=1, max_length=MAX_STEPS)

    @field_validator("chain")
    @classmethod
    def _approver_roles(cls, chain: tuple[ApproverStep, ...]) -> tuple[ApproverStep, ...]:
        for step in chain:
            if step.role not in APPROVERS:
                roles = ", ".join(sorted(APPROVERS))
                raise ValueError(f"{step.role!r} cannot approve; one of: {roles}")
        return chain

    def matches(self, order: WorkOrderState) -> bool:
        wanted = (
            (self.ticket_type, order.type),
            (self.service, order.service),
            (self.severity, order.severity),
        )
        return all(want is None or want == have for want, have in wanted) and set(
            self.tags
        ).issubset(order.tags)


def matching_rule(rules: Iterable[ApprovalRule], order: WorkOrderState) -> ApprovalRule | None:
    """The first rule by ``order`` (ties keep their listed order) that covers the ticket."""
    return next((r for r in sorted(rules, key=lambda r: r.order) if r.matches(order)), None)


def request(
    order: WorkOrderState,
    resolution: Resolution,
    rule: ApprovalRule,
    follow_up: FollowUpPlan | None,
    actor: Actor,
    now: datetime,
) -> None:
    """The resolution is proposed, not applied: the chain's first step decides next."""
    order.approval = Approval(
        rule.rule_id, rule.chain, resolution, actor.id, now, follow_up=follow_up
    )
    payload = ApprovalRequestedPayload(
        rule_id=rule.rule_id,
        chain=list(rule.chain),
        step=1,
        resolution=_proposed(resolution),
        requested_by=actor.id,
    )
    order.record(ApprovalRequested, payload, actor, now)
    why = f"approval required (rule {rule.rule_id or rule.order}, {len(rule.chain)} steps)"
    order.finish(Command.RESOLVE, AWAITING_APPROVAL, actor, now, why)


def may_decide(approval: Approval, actor: Actor) -> bool:
    """Whether ``actor`` is who the waiting step names (and not who proposed it)."""
    step = approval.current
    named = step.user is None or step.user == actor.id
    return actor.role == step.role and named and actor.id != approval.requested_by


def approve(
    order: WorkOrderState,
    comment: str | None,
    overdue_reason: str | None,
    actor: Actor,
    now: datetime,
) -> None:
    """This step approves: the next one waits, or the last applies the resolution. A
    breach seen while it waited needs the overdue reason now (422 naming it)."""
    target = order.next_status(Command.APPROVE, actor)
    approval = _decider(order, actor)
    resolution = approval.resolution
    if approval.last_step and order.overdue and not (resolution.overdue_reason or "").strip():
        if not (overdue_reason or "").strip():
            raise InvalidField("overdue_reason", "required: the ticket's SLA was breached")
        resolution = Resolution(
            resolution.cause, resolution.solution, resolution.closure_code, overdue_reason
        )
    step = approval.step + 1
    following = None if approval.last_step else approval.chain[approval.step + 1]
    payload = TicketApprovedPayload(
        rule_id=approval.rule_id,
        step=step,
        steps=len(approval.chain),
        approver_role=actor.role,
        comment=comment,
        next_step=following,
        status=target if following is None else order.status,
    )
    order.record(TicketApproved, payload, actor, now)
    if following is not None:
        order.approval = Approval(
            approval.rule_id, approval.chain, resolution, approval.requested_by,
            approval.requested_at, step, approval.follow_up,
        )  # fmt: skip
        order.finish(Command.APPROVE, order.status, actor, now, comment)
        return
    order.approval = None
    resolving.apply(order, resolution, approval.follow_up, Command.APPROVE, actor, now, comment)


def reject(order: WorkOrderState, reason: str, actor: Actor, now: datetime) -> None:
    """The proposal goes back to its handler, with the approver's reason (not announced
    to the customer: the status change carries none)."""
    target = order.next_status(Command.REJECT, actor)
    if not reason.strip():
        raise InvalidField("reason", "say why the resolution is rejected")
    approval = _decider(order, actor)
    payload = ApprovalRejectedPayload(
        rule_id=approval.rule_id,
        step=approval.step + 1,
        steps=len(approval.chain),
        approver_role=actor.role,
        reason=reason,
        requested_by=approval.requested_by,
    )
    order.approval = None
    order.record(ApprovalRejected, payload, actor, now)
    order.finish(Command.REJECT, target, actor, now, reason, private=True)


def _decider(order: WorkOrderState, actor: Actor) -> Approval:
    approval = order.approval
    assert approval is not None  # the precondition of approve and reject
    if not may_decide(approval, actor):
        step = approval.current
        if actor.id == approval.requested_by:
            message = "the proposer of a resolution may not decide on it"
        else:
            whom = f"{step.role} {step.user}" if step.user else f"a {step.role}"
            message = f"step {approval.step + 1} of {len(approval.chain)} is for {whom}"
        raise Forbidden(message, [step.role])
    return approval


def _proposed(resolution: Resolution) -> ProposedResolution:
    return ProposedResolution(
        cause=resolution.cause,
        solution=resolution.solution,
        closure_code=resolution.closure_code,
        overdue_reason=resolution.overdue_reason,
    )
