"""Events published by the intake service on the intake events topic."""

from typing import Annotated, Literal

from pydantic import AwareDatetime, Field, model_validator

from shared.events.envelope import EventEnvelope, Frozen
from shared.events.submissions import AsRecorded, FirstContactResolution, Location, line
from shared.events.vocabulary import Channel, Priority, Severity, TicketStatus, TicketType


class TicketRegisteredPayload(Frozen):
    number: str
    source: Channel
    source_system: str | None = None
    external_ref: str
    type: TicketType
    subject: str
    description: str = ""
    contact: AsRecorded | None = None
    account_id: str | None = None
    location: Location | None = None
    service: str | None = None
    urgency: int
    impact: int
    priority: Priority
    severity: Severity
    tags: list[str] = Field(default_factory=list)
    needs_onsite: bool = False
    status: TicketStatus
    registered_at: AwareDatetime
    # 申告: set when this complaint repeats an open one (see ticket.linked_repeat).
    repeat_of: str | None = None
    related_to: str | None = None
    # 直接答复: set when the agent resolved it during the call (dispatch then resolves and
    # closes it at once, without assignment); None on every other registration and on
    # events written before first-contact resolution existed.
    first_contact_resolution: FirstContactResolution | None = None

    @property
    def resolved_at_first_contact(self) -> bool:
        return self.first_contact_resolution is not None


class TicketRegistered(EventEnvelope):
    topic_attr = "intake_events"
    event_type: Literal["ticket.registered"] = "ticket.registered"
    payload: TicketRegisteredPayload


class FieldError(Frozen):
    field: str
    reason: str


class SubmissionRejectedPayload(Frozen):
    source: str | None = None
    external_ref: str | None = None
    errors: list[FieldError]


class SubmissionRejected(EventEnvelope):
    topic_attr = "intake_events"
    event_type: Literal["submission.rejected"] = "submission.rejected"
    payload: SubmissionRejectedPayload


class TicketQuarantinedPayload(Frozen):
    """Registered from an unknown contact of a tenant that quarantines: not dispatched yet."""

    number: str
    contact: AsRecorded | None = None
    account_id: str | None = None
    reason: str


class TicketQuarantined(EventEnvelope):
    topic_attr = "intake_events"
    event_type: Literal["ticket.quarantined"] = "ticket.quarantined"
    payload: TicketQuarantinedPayload


class TicketReleasedPayload(Frozen):
    """The customer was verified: the ticket is ``new`` and may be dispatched."""

    number: str
    customer_id: str
    status: TicketStatus = TicketStatus.NEW


class TicketReleased(EventEnvelope):
    topic_attr = "intake_events"
    event_type: Literal["ticket.released"] = "ticket.released"
    payload: TicketReleasedPayload


class AttachmentAddedPayload(Frozen):
    attachment_id: str
    filename: str
    size: int = Field(ge=0)
    content_type: str
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


class AttachmentAdded(EventEnvelope):
    topic_attr = "intake_events"
    event_type: Literal["attachment.added"] = "attachment.added"
    payload: AttachmentAddedPayload


class TicketLinkedAsRepeatPayload(Frozen):
    """申告: a complaint repeating an open one, linked to it and raised one priority step."""

    original_ticket_id: str
    original_number: str
    priority_before: Priority
    priority_after: Priority


class TicketLinkedAsRepeat(EventEnvelope):
    topic_attr = "intake_events"
    event_type: Literal["ticket.linked_repeat"] = "ticket.linked_repeat"
    payload: TicketLinkedAsRepeatPayload


TenantId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]


class TenantProvisionedPayload(Frozen):
    tenant_id: TenantId
    name: Annotated[str, line(200)]


class TenantProvisioned(EventEnvelope):
    """Intake's registry has the tenant (just created, renamed, or provisioned again): the
    other services learn from it which tenants exist. About a tenant, not a ticket: no
    ticket id, keyed by the tenant id so that one tenant's provisionings stay in order."""

    topic_attr = "intake_tenants"
    keyed_by = "tenant id"
    event_type: Literal["tenant.provisioned"] = "tenant.provisioned"
    ticket_id: Literal[""] = ""
    payload: TenantProvisionedPayload

    @property
    def key(self) -> bytes:
        return self.tenant_id.encode()

    @model_validator(mode="after")
    def _one_tenant(self) -> "TenantProvisioned":
        if self.payload.tenant_id != self.tenant_id:
            raise ValueError("the payload's tenant_id differs from the envelope's")
        return self


INTAKE_EVENTS: tuple[type[EventEnvelope], ...] = (
    TicketRegistered,
    SubmissionRejected,
    TicketQuarantined,
    TicketReleased,
    AttachmentAdded,
    TicketLinkedAsRepeat,
    TenantProvisioned,
)
