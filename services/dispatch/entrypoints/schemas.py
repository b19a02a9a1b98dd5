"""Request bodies of the workflow commands."""

from datetime import date
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from shared.events.dispatch import Appointment
from shared.events.vocabulary import Severity

Name = Annotated[str, Field(min_length=1, max_length=100)]
Reason = Annotated[str, Field(min_length=1, max_length=2000)]
Text = Annotated[str, Field(min_length=1, max_length=20_000)]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AssignBody(Body):
    assignee: Name
    group: Name | None = None
    reason: Reason = "assigned by a dispatcher"


class AcceptBody(Body):
    appointment: Appointment | None = None


class TransferBody(Body):
    """``to_assignee`` omitted: back to the dispatch-centre queue."""

    to_assignee: Name | None = None
    to_group: Name | None = None
    reason: Reason


class NoteBody(Body):
    note: Annotated[str, Field(max_length=2000)] | None = None


class ReasonBody(Body):
    reason: Annotated[str, Field(max_length=2000)] | None = None


class TagBody(Body):
    tag: Annotated[str, Field(min_length=1, max_length=50)]


class ShareBody(Body):
    shared_with: Annotated[list[Name], Field(min_length=1, max_length=50)]
    note: Annotated[str, Field(max_length=2000)] | None = None


class EscalateBody(Body):
    reason: Annotated[str, Field(description="one of EscalationReason")]
    assignee: Name | None = None
    group: Name | None = None
    note: Annotated[str, Field(max_length=2000)] | None = None


class SeverityBody(Body):
    severity: Severity
    reason: Annotated[str, Field(max_length=2000)] | None = None


class ProblemBody(Body):
    title: Annotated[str, Field(min_length=1, max_length=200)]
    description: Text
    impact: Annotated[str, Field(max_length=2000)] | None = None


class ChangeBody(Body):
    title: Annotated[str, Field(min_length=1, max_length=200)]
    description: Text
    risk: Literal["low", "medium", "high"]
    planned_start: AwareDatetime
    planned_end: AwareDatetime
    rollback_plan: Text


Note = Annotated[str, Field(max_length=2000)]


class FollowUpBody(Body):
    """跟踪工单: follow the ticket up on ``on`` (the caller's "tracked" view)."""

    on: date
    note: Note | None = None


class ResolveBody(Body):
    cause: Reason
    solution: Reason
    closure_code: Name
    overdue_reason: Note | None = None
    follow_up: FollowUpBody | None = None


class ApproveBody(Body):
    comment: Note | None = None
    # needed at the last step when the SLA was breached while the proposal waited
    overdue_reason: Note | None = None


class RejectBody(Body):
    reason: Reason


class ExtensionBody(Body):
    """延期申请: the new resolution due time asked for, and why."""

    until: AwareDatetime
    reason: Reason


class CommentNoteBody(Body):
    comment: Note | None = None


class TrackingNoteBody(Body):
    note: Note | None = None


class NewTicketBody(Body):
    """The new ticket's description (default: the tracking note)."""

    description: Annotated[str, Field(max_length=20_000)] | None = None


class TrackingOutcome(BaseModel):
    status: str
    follow_up_of: str
    external_ref: str
    version: int


class MessageBody(Body):
    message: Text


class CancelBody(Body):
    reason: Reason = "canceled by the requester"


class CommentBody(Body):
    body: Text


class Created(BaseModel):
    id: str
    ticket_id: str


class ReplyOutcome(BaseModel):
    status: str
    follow_up_of: str | None = None
    version: int
