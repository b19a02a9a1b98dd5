"""Events published by the dispatch service on the dispatch events topic.

Every payload carries ``status``: the ticket's workflow status after the event, so that a
consumer (SLA pauses, the gateway read model) never has to replay the state machine.
Every change of status is also announced on its own as ``ticket.status_changed``.
"""

from datetime import date, datetime
from enum import StrEnum
from typing import Literal

from pydantic import AwareDatetime, Field, model_validator

from shared.events.envelope import EventEnvelope, Frozen
from shared.events.vocabulary import Priority, Severity, TicketStatus


class SupportLine(StrEnum):
    L1 = "L1"
    L2 = "L2"
    L3 = "L3"


class EscalationReason(StrEnum):
    """The fixed list a dispatcher chooses from; "raise the priority" is deliberately absent."""

    NEEDS_EXPERTISE = "needs_expertise"
    NEEDS_ONSITE = "needs_onsite"
    OUT_OF_SCOPE = "out_of_scope"
    CUSTOMER_REQUEST = "customer_request"
    SLA_AT_RISK = "sla_at_risk"
    MAJOR_IMPACT = "major_impact"
    VENDOR_REQUIRED = "vendor_required"


class Appointment(Frozen):
    """预约: the window the field engineer agreed with the customer."""

    starts_at: AwareDatetime
    ends_at: AwareDatetime

    @model_validator(mode="after")
    def _ordered(self) -> "Appointment":
        if self.ends_at <= self.starts_at:
            raise ValueError("ends_at must be after starts_at")
        return self


class _Dispatched(EventEnvelope):
    topic_attr = "dispatch_events"


class TicketAssignedPayload(Frozen):
    assignee: str
    group: str | None = None
    previous_assignee: str | None = None
    status: TicketStatus = TicketStatus.ASSIGNED
    reason: str


class TicketAssigned(_Dispatched):
    event_type: Literal["ticket.assigned"] = "ticket.assigned"
    payload: TicketAssignedPayload


class TicketAcceptedPayload(Frozen):
    """接单: the first response. With an appointment it is an on-site acceptance, else 签单."""

    assignee: str
    appointment: Appointment | None = None
    status: TicketStatus = TicketStatus.ACCEPTED


class TicketAccepted(_Dispatched):
    event_type: Literal["ticket.accepted"] = "ticket.accepted"
    payload: TicketAcceptedPayload


class TicketTransferredPayload(Frozen):
    """转派: to exactly one assignee, or back to the dispatch centre (both None)."""

    from_assignee: str | None
    to_assignee: str | None = None
    to_group: str | None = None
    reason: str = Field(min_length=1)
    status: TicketStatus


class TicketTransferred(_Dispatched):
    event_type: Literal["ticket.transferred"] = "ticket.transferred"
    payload: TicketTransferredPayload


class TicketUrgedPayload(Frozen):
    """催办."""

    urge_count: int = Field(ge=1)
    assignee: str | None
    note: str | None = None
    status: TicketStatus


class TicketUrged(_Dispatched):
    event_type: Literal["ticket.urged"] = "ticket.urged"
    payload: TicketUrgedPayload


class TicketEscalatedPayload(Frozen):
    from_line: SupportLine
    to_line: SupportLine
    assignee: str | None = None
    group: str | None = None
    reason: EscalationReason
    note: str | None = None
    status: TicketStatus


class TicketEscalated(_Dispatched):
    event_type: Literal["ticket.escalated"] = "ticket.escalated"
    payload: TicketEscalatedPayload


class TicketSeverityUpgradedPayload(Frozen):
    from_severity: Severity
    to_severity: Severity
    reason: str | None = None
    status: TicketStatus


class TicketSeverityUpgraded(_Dispatched):
    event_type: Literal["ticket.severity_upgraded"] = "ticket.severity_upgraded"
    payload: TicketSeverityUpgradedPayload


class TicketPriorityChangedPayload(Frozen):
    """SLA recomputes the ticket's clocks from its registration time on this event."""

    from_priority: Priority
    to_priority: Priority
    reason: str
    status: TicketStatus


class TicketPriorityChanged(_Dispatched):
    event_type: Literal["ticket.priority_changed"] = "ticket.priority_changed"
    payload: TicketPriorityChangedPayload


class MajorAlertRaisedPayload(Frozen):
    """Raises the banner on every on-duty dashboard until someone accepts the ticket."""

    number: str
    subject: str
    severity: Severity
    assignee: str | None = None


class MajorAlertRaised(_Dispatched):
    event_type: Literal["ticket.major_alert_raised"] = "ticket.major_alert_raised"
    payload: MajorAlertRaisedPayload


class MajorAlertClearedPayload(Frozen):
    cleared_by: str


class MajorAlertCleared(_Dispatched):
    event_type: Literal["ticket.major_alert_cleared"] = "ticket.major_alert_cleared"
    payload: MajorAlertClearedPayload


class TicketStatusChangedPayload(Frozen):
    from_status: TicketStatus
    to_status: TicketStatus
    command: str
    reason: str | None = None
    # The ticket after the change, so that SLA and notify need no projection of their own.
    assignee: str | None = None
    group: str | None = None
    priority: Priority | None = None
    severity: Severity | None = None
    watchers: list[str] | None = None

    @property
    def status(self) -> TicketStatus:
        return self.to_status


class TicketStatusChanged(_Dispatched):
    event_type: Literal["ticket.status_changed"] = "ticket.status_changed"
    payload: TicketStatusChangedPayload


class TicketResolvedPayload(Frozen):
    """回单."""

    cause: str = Field(min_length=1)
    solution: str = Field(min_length=1)
    closure_code: str = Field(min_length=1)
    overdue_reason: str | None = None
    status: TicketStatus = TicketStatus.RESOLVED
    # Resolved with its parent incident (an outage cluster's): the parent's cause and solution.
    parent_id: str | None = None


class TicketResolved(_Dispatched):
    event_type: Literal["ticket.resolved"] = "ticket.resolved"
    payload: TicketResolvedPayload


class CustomerRepliedPayload(Frozen):
    """A customer's reply on a resolved or waiting ticket; resets SLA auto-close."""

    message: str
    status: TicketStatus


class CustomerReplied(_Dispatched):
    event_type: Literal["ticket.customer_replied"] = "ticket.customer_replied"
    payload: CustomerRepliedPayload


class ClosureReason(StrEnum):
    CONFIRMED = "confirmed"  # the customer confirmed the resolution
    AUTO_CLOSED = "auto_closed"  # no reply within the auto-close period
    CANCELED = "canceled"
    # 直接答复: resolved by the registering agent during the call, closed at registration
    FIRST_CONTACT = "first_contact"


class TicketClosedPayload(Frozen):
    """归档: final."""

    reason: ClosureReason
    status: TicketStatus = TicketStatus.CLOSED


class TicketClosed(_Dispatched):
    event_type: Literal["ticket.closed"] = "ticket.closed"
    payload: TicketClosedPayload


class TicketCanceledPayload(Frozen):
    reason: str = Field(min_length=1)
    status: TicketStatus = TicketStatus.CLOSED


class TicketCanceled(_Dispatched):
    event_type: Literal["ticket.canceled"] = "ticket.canceled"
    payload: TicketCanceledPayload


class CommentVisibility(StrEnum):
    INTERNAL = "internal"  # the internal feed
    PORTAL = "portal"  # a message to the customer


class TicketCommentedPayload(Frozen):
    comment_id: str
    body: str = Field(min_length=1, max_length=20_000)
    visibility: CommentVisibility
    status: TicketStatus


class TicketCommented(_Dispatched):
    event_type: Literal["ticket.commented"] = "ticket.commented"
    payload: TicketCommentedPayload


class TicketWatchChangedPayload(Frozen):
    watcher: str
    watching: bool
    watchers: list[str]


class TicketWatchChanged(_Dispatched):
    event_type: Literal["ticket.watch_changed"] = "ticket.watch_changed"
    payload: TicketWatchChangedPayload


class TicketTagsPayload(Frozen):
    """The tag added or removed, and the ticket's tags after it."""

    tag: str = Field(min_length=1, max_length=50)
    tags: list[str]


class TicketTagged(_Dispatched):
    event_type: Literal["ticket.tagged"] = "ticket.tagged"
    payload: TicketTagsPayload


class TicketUntagged(_Dispatched):
    event_type: Literal["ticket.untagged"] = "ticket.untagged"
    payload: TicketTagsPayload


class TicketSharedPayload(Frozen):
    shared_with: list[str] = Field(min_length=1)
    note: str | None = None


class TicketShared(_Dispatched):
    event_type: Literal["ticket.shared"] = "ticket.shared"
    payload: TicketSharedPayload


class ProblemCreatedPayload(Frozen):
    problem_id: str
    title: str = Field(min_length=1)
    description: str = Field(min_length=1)
    impact: str | None = None


class ProblemCreated(_Dispatched):
    event_type: Literal["problem.created"] = "problem.created"
    payload: ProblemCreatedPayload


class ChangeSubmittedPayload(Frozen):
    change_id: str
    title: str = Field(min_length=1)
    description: str = Field(min_length=1)
    risk: Literal["low", "medium", "high"]
    planned_start: datetime
    planned_end: datetime
    rollback_plan: str = Field(min_length=1)


class ChangeSubmitted(_Dispatched):
    event_type: Literal["change.submitted"] = "change.submitted"
    payload: ChangeSubmittedPayload


class ApproverStep(Frozen):
    """One step of an approval chain: who approves (a role, and optionally one person)."""

    role: str = Field(min_length=1)
    user: str | None = None


class ProposedResolution(Frozen):
    """The 回单 an approval chain decides on; applied only when its last step approves."""

    cause: str = Field(min_length=1)
    solution: str = Field(min_length=1)
    closure_code: str = Field(min_length=1)
    overdue_reason: str | None = None


class ApprovalRequestedPayload(Frozen):
    """审核/审批: ``resolve`` on a ticket a tenant approval rule covers. ``step`` (1-based)
    is the step waiting now; ``chain`` all of them, in order."""

    rule_id: str
    chain: list[ApproverStep] = Field(min_length=1)
    step: int = Field(ge=1)
    resolution: ProposedResolution
    requested_by: str
    status: TicketStatus = TicketStatus.PENDING_APPROVAL


class ApprovalRequested(_Dispatched):
    event_type: Literal["ticket.approval_requested"] = "ticket.approval_requested"
    payload: ApprovalRequestedPayload


class TicketApprovedPayload(Frozen):
    """One step approved. ``next_step`` is the step waiting now (None: that was the last
    step, the resolution is applied: ``ticket.resolved`` follows)."""

    rule_id: str
    step: int = Field(ge=1)
    steps: int = Field(ge=1)
    approver_role: str
    comment: str | None = None
    next_step: ApproverStep | None = None
    status: TicketStatus


class TicketApproved(_Dispatched):
    event_type: Literal["ticket.approved"] = "ticket.approved"
    payload: TicketApprovedPayload


class ApprovalRejectedPayload(Frozen):
    """A step rejected the proposed resolution: back to work (``in_progress``)."""

    rule_id: str
    step: int = Field(ge=1)
    steps: int = Field(ge=1)
    approver_role: str
    reason: str = Field(min_length=1)
    requested_by: str
    status: TicketStatus = TicketStatus.IN_PROGRESS


class ApprovalRejected(_Dispatched):
    event_type: Literal["ticket.approval_rejected"] = "ticket.approval_rejected"
    payload: ApprovalRejectedPayload


class ExtensionRequestedPayload(Frozen):
    """延期申请: the handler asks for the resolution target to move to ``until``."""

    extension_id: str
    until: AwareDatetime
    reason: str = Field(min_length=1)
    status: TicketStatus


class ExtensionRequested(_Dispatched):
    event_type: Literal["ticket.extension_requested"] = "ticket.extension_requested"
    payload: ExtensionRequestedPayload


class ExtensionApprovedPayload(Frozen):
    """The resolution target moves to ``until`` (SLA recomputes the resolution clock);
    the approver is the event's actor."""

    extension_id: str
    until: AwareDatetime
    reason: str = Field(min_length=1)
    requested_by: str
    requested_at: AwareDatetime
    comment: str | None = None
    status: TicketStatus


class ExtensionApproved(_Dispatched):
    event_type: Literal["ticket.extension_approved"] = "ticket.extension_approved"
    payload: ExtensionApprovedPayload


class ExtensionRejectedPayload(Frozen):
    extension_id: str
    until: AwareDatetime
    requested_by: str
    reason: str = Field(min_length=1)
    status: TicketStatus


class ExtensionRejected(_Dispatched):
    event_type: Literal["ticket.extension_rejected"] = "ticket.extension_rejected"
    payload: ExtensionRejectedPayload


class TrackingSetPayload(Frozen):
    """跟踪工单: the handler follows the ticket up on ``on`` (their "tracked" view)."""

    on: date
    note: str | None = None
    tracked_by: str
    status: TicketStatus


class TrackingSet(_Dispatched):
    event_type: Literal["ticket.tracking_set"] = "ticket.tracking_set"
    payload: TrackingSetPayload


class TrackingClosedPayload(Frozen):
    """The follow-up is done; nothing more to track."""

    on: date
    tracked_by: str
    note: str | None = None
    status: TicketStatus


class TrackingClosed(_Dispatched):
    event_type: Literal["ticket.tracking_closed"] = "ticket.tracking_closed"
    payload: TrackingClosedPayload


class TrackingConvertedPayload(Frozen):
    """The follow-up became a new ticket, submitted upstream with ``related_to`` this one
    and ``external_ref`` (intake registers it and announces it as usual)."""

    on: date
    tracked_by: str
    external_ref: str
    description: str
    status: TicketStatus


class TrackingConverted(_Dispatched):
    event_type: Literal["ticket.tracking_converted"] = "ticket.tracking_converted"
    payload: TrackingConvertedPayload


class ClusterDetectedPayload(Frozen):
    """集中投诉区域: enough complaints of one category near each other within the tenant's
    window. Keyed by the complaint that completed it; every member also gets
    ``ticket.joined_cluster``."""

    cluster_id: str
    category: str
    lon: float
    lat: float
    radius_km: float
    members: list[str]


class ClusterDetected(_Dispatched):
    event_type: Literal["ticket.cluster_detected"] = "ticket.cluster_detected"
    payload: ClusterDetectedPayload


class TicketJoinedClusterPayload(Frozen):
    cluster_id: str
    category: str
    status: TicketStatus


class TicketJoinedCluster(_Dispatched):
    event_type: Literal["ticket.joined_cluster"] = "ticket.joined_cluster"
    payload: TicketJoinedClusterPayload


class ParentIncidentLinkedPayload(Frozen):
    """The ticket is handled with a parent incident: resolving the parent resolves it."""

    parent_id: str
    cluster_id: str | None = None
    status: TicketStatus


class ParentIncidentLinked(_Dispatched):
    event_type: Literal["ticket.parent_linked"] = "ticket.parent_linked"
    payload: ParentIncidentLinkedPayload


class ParentIncidentUnlinkedPayload(Frozen):
    parent_id: str
    reason: str | None = None
    status: TicketStatus


class ParentIncidentUnlinked(_Dispatched):
    event_type: Literal["ticket.parent_unlinked"] = "ticket.parent_unlinked"
    payload: ParentIncidentUnlinkedPayload


DISPATCH_EVENTS: tuple[type[EventEnvelope], ...] = (
    ClusterDetected,
    TicketJoinedCluster,
    ParentIncidentLinked,
    ParentIncidentUnlinked,
    TicketAssigned,
    TicketAccepted,
    TicketTransferred,
    TicketUrged,
    TicketEscalated,
    TicketSeverityUpgraded,
    TicketPriorityChanged,
    MajorAlertRaised,
    MajorAlertCleared,
    TicketStatusChanged,
    TicketResolved,
    CustomerReplied,
    TicketClosed,
    TicketCanceled,
    TicketCommented,
    TicketWatchChanged,
    TicketTagged,
    TicketUntagged,
    TicketShared,
    ProblemCreated,
    ChangeSubmitted,
    ApprovalRequested,
    TicketApproved,
    ApprovalRejected,
    ExtensionRequested,
    ExtensionApproved,
    ExtensionRejected,
    TrackingSet,
    TrackingClosed,
    TrackingConverted,
)
