"""A registered ticket as intake owns it: the submission, its number, priority and links."""

from dataclasses import dataclass, field
from datetime import datetime

from services.intake.domain.config import TenantConfig
from services.intake.domain.contacts import Customer, is_unknown, keys_of, with_account
from services.intake.domain.priority import PriorityBasis, priority_for, raised_one_step
from services.intake.domain.repeat import Candidate, Prior
from shared.errors import Forbidden
from shared.events import Actor, EventEnvelope, TicketRegistered, TicketRegisteredPayload
from shared.events.intake import (
    TicketLinkedAsRepeat,
    TicketLinkedAsRepeatPayload,
    TicketQuarantined,
    TicketQuarantinedPayload,
    TicketReleased,
    TicketReleasedPayload,
)
from shared.events.submissions import Submission
from shared.events.vocabulary import Priority, TicketStatus

PRODUCER = "intake"
# (tenant_id, source, external_ref): unique per ticket; a resubmission finds the original.
ExternalRef = tuple[str, str, str]
UNKNOWN_CONTACT = "unknown contact"
# 直接答复: who may register a ticket as resolved during the call (dispatch records the
# resolution in their name): staff who may resolve tickets, and upstream systems.
ANSWERING_ROLES = frozenset(
    {"agent", "dispatcher", "field_engineer", "group_lead", "supervisor", "admin", "system"}
)


@dataclass
class Ticket:
    ticket_id: str
    number: str
    submission: Submission
    priority: Priority
    status: TicketStatus
    registered_at: datetime
    basis: PriorityBasis
    repeat_of: str | None = None
    # Intake does not own the workflow; dispatch's closed/canceled events clear this.
    open: bool = True
    events: list[EventEnvelope] = field(default_factory=list, compare=False)

    @property
    def tenant_id(self) -> str:
        return self.submission.tenant_id

    @property
    def contact_keys(self) -> list[str]:
        return keys_of(self.submission.contact)

    def as_prior(self) -> Prior:
        s = self.submission
        keys = frozenset(self.contact_keys)
        return Prior(self.ticket_id, keys, s.type, s.service, self.registered_at, self.open)

    def release(self, customer_id: str, at: datetime, actor: Actor) -> None:
        """The customer was verified: the ticket becomes ``new`` and may be dispatched."""
        if self.status is not TicketStatus.QUARANTINED:
            return
        self.status = TicketStatus.NEW
        payload = TicketReleasedPayload(number=self.number, customer_id=customer_id)
        self.events.append(TicketReleased(**self.envelope(at, actor), payload=payload))

    def envelope(self, at: datetime, actor: Actor) -> dict[str, object]:
        return {
            "occurred_at": at,
            "producer": PRODUCER,
            "tenant_id": self.tenant_id,
            "ticket_id": self.ticket_id,
            "actor": actor,
            "correlation_id": self.submission.external_ref,
        }


@dataclass(frozen=True)
class Registering:
    """Everything registration decided outside the ticket: identity, time and context."""

    ticket_id: str
    number: str
    at: datetime
    actor: Actor
    config: TenantConfig
    customer: Customer | None = None
    original: "Ticket | None" = None


def reference(submission: Submission) -> ExternalRef:
    return submission.tenant_id, submission.source.value, submission.external_ref


def candidate(submission: Submission, at: datetime) -> Candidate:
    keys = frozenset(keys_of(submission.contact))
    return Candidate(keys, submission.type, submission.service, at)


def require_may_answer(submission: Submission, actor: Actor) -> None:
    """A ticket resolved at first contact is registered by staff or an upstream system only."""
    if submission.first_contact_resolution is not None and actor.role not in ANSWERING_ROLES:
        raise Forbidden(
            f"role {actor.role!r} may not register a ticket as resolved at first contact",
            ANSWERING_ROLES,
        )


def register(submission: Submission, r: Registering) -> Ticket:
    s = with_account(submission, r.customer)
    # Resolved during the call, it needs no dispatching: nothing to hold back.
    quarantined = (
        r.config.quarantine_unknown_contacts
        and s.first_contact_resolution is None
        and is_unknown(s, r.customer)
    )
    status = TicketStatus.QUARANTINED if quarantined else TicketStatus.NEW
    priority, basis = _prioritise(s, r)
    repeat_of = r.original.ticket_id if r.original else None
    ticket = Ticket(r.ticket_id, r.number, s, priority, status, r.at, basis, repeat_of)
    ticket.events.append(
        TicketRegistered(**ticket.envelope(r.at, r.actor), payload=_payload(ticket))
    )
    if quarantined:
        ticket.events.append(_quarantined(ticket, r))
    if r.original is not None:
        ticket.events.append(_linked(ticket, r.original, r))
    return ticket


def _prioritise(s: Submission, r: Registering) -> tuple[Priority, PriorityBasis]:
    computed = priority_for(s.urgency, s.impact, s.severity, r.config.matrix)
    basis = PriorityBasis(
        s.urgency,
        s.impact,
        s.severity,
        r.config.matrix[(s.urgency, s.impact)],
        raised_as_repeat=r.original is not None,
    )
    return (raised_one_step(computed) if r.original else computed), basis


def _payload(ticket: Ticket) -> TicketRegisteredPayload:
    return TicketRegisteredPayload(
        **ticket.submission.model_dump(exclude={"tenant_id"}),
        number=ticket.number,
        priority=ticket.priority,
        status=ticket.status,
        registered_at=ticket.registered_at,
        repeat_of=ticket.repeat_of,
    )


def _quarantined(ticket: Ticket, r: Registering) -> TicketQuarantined:
    payload = TicketQuarantinedPayload(
        number=ticket.number,
        contact=ticket.submission.contact,
        account_id=ticket.submission.account_id,
        reason=UNKNOWN_CONTACT if r.customer is None else "contact not verified",
    )
    return TicketQuarantined(**ticket.envelope(r.at, r.actor), payload=payload)


def _linked(ticket: Ticket, original: Ticket, r: Registering) -> TicketLinkedAsRepeat:
    payload = TicketLinkedAsRepeatPayload(
        original_ticket_id=original.ticket_id,
        original_number=original.number,
        priority_before=priority_for(
            ticket.basis.urgency, ticket.basis.impact, ticket.basis.severity, r.config.matrix
        ),
        priority_after=ticket.priority,
    )
    return TicketLinkedAsRepeat(**ticket.envelope(r.at, r.actor), payload=payload)
