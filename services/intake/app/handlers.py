"""Intake use cases: register a submission, reject one that does not validate."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from uuid import uuid4
from zoneinfo import ZoneInfo

from services.intake.app.ports import DuplicateSubmission, IntakeUnitOfWork, NewUnitOfWork
from services.intake.app.tenants import require_tenant
from services.intake.domain import ticket as tickets
from services.intake.domain.config import TenantConfig
from services.intake.domain.contacts import Customer, keys_of
from services.intake.domain.repeat import find_original
from services.intake.domain.ticket import PRODUCER, Registering, Ticket
from shared.concurrency import KeyedLocks
from shared.errors import InvalidFields, NotFound
from shared.events import Actor, FieldError, SubmissionRejected, SubmissionRejectedPayload
from shared.events.submissions import Submission
from shared.retry import retry_transient

_DUPLICATE_ROUNDS = 3


@dataclass(frozen=True)
class RegisterTicket:
    submission: Submission
    actor: Actor


@dataclass(frozen=True)
class RejectSubmission:
    tenant_id: str | None
    source: str | None
    external_ref: str | None
    errors: list[FieldError]


@dataclass(frozen=True)
class Registration:
    ticket: Ticket
    created: bool


@dataclass(frozen=True)
class Numbering:
    zone: ZoneInfo
    defaults: TenantConfig = field(default_factory=TenantConfig)
    # Registrations of one tenant draw from its counters and would collide on their
    # documents; in one process they queue here per tenant instead, and only other
    # replicas' transactions conflict (and are retried).
    locks: KeyedLocks = field(default_factory=KeyedLocks)


# More writes that belong to a new ticket's registration, made in its transaction.
AlsoRecord = Callable[[IntakeUnitOfWork, Ticket], Awaitable[None]]


async def _nothing_more(uow: IntakeUnitOfWork, ticket: Ticket) -> None:
    return None


async def register_ticket(
    cmd: RegisterTicket,
    new_uow: NewUnitOfWork,
    numbering: Numbering,
    also: AlsoRecord = _nothing_more,
) -> Registration:
    """Register once per (tenant, source, external_ref); a resubmission gets the original.
    A submission resolved at first contact needs a role that may answer directly (403).

    ``also`` runs inside the registration's transaction for a new ticket only, so what it
    writes commits with the ticket or not at all."""
    tickets.require_may_answer(cmd.submission, cmd.actor)
    for _ in range(_DUPLICATE_ROUNDS):
        try:
            return await retry_transient(lambda: _register(cmd, new_uow, numbering, also))
        except DuplicateSubmission:
            continue  # a concurrent registration committed first: the next round returns it
    raise DuplicateSubmission(cmd.submission.external_ref)


async def _register(
    cmd: RegisterTicket, new_uow: NewUnitOfWork, numbering: Numbering, also: AlsoRecord
) -> Registration:
    s = cmd.submission
    async with new_uow() as uow, numbering.locks.hold(s.tenant_id):
        # Held from the transaction's first read: its snapshot then already includes the
        # previous holder's counter increment, so the increment below cannot conflict.
        existing = await uow.tickets.find_by_external_ref(s.tenant_id, s.source, s.external_ref)
        if existing is not None:
            return Registration(existing, created=False)
        config = (await require_tenant(uow, s.tenant_id)).config or numbering.defaults
        await _require_related(uow, s)
        ticket = await _new_ticket(uow, cmd, config, config.zone(numbering.zone))
        await uow.tickets.add(ticket)
        uow.publish(*ticket.events)
        await also(uow, ticket)
        await uow.commit()
    return Registration(ticket, created=True)


async def _new_ticket(
    uow: IntakeUnitOfWork, cmd: RegisterTicket, config: TenantConfig, zone: ZoneInfo
) -> Ticket:
    s, now = cmd.submission, uow.now()
    local = now.astimezone(zone)
    customer, original = await _customer(uow, s), await _original(uow, s, config, now)
    seq = await uow.counters.next(config.mask.counter_key(s.tenant_id, s.type, local))
    number = config.mask.format(s.tenant_id, s.type, local, seq)
    context = Registering(uuid4().hex, number, now, cmd.actor, config, customer, original)
    return tickets.register(s, context)


async def _require_related(uow: IntakeUnitOfWork, s: Submission) -> None:
    if s.related_to is None:
        return
    related = await uow.tickets.get(s.related_to)
    if related is None or related.tenant_id != s.tenant_id:
        reason = f"no ticket {s.related_to!r} of tenant {s.tenant_id!r}"
        raise InvalidFields({"related_to": reason})


async def _customer(uow: IntakeUnitOfWork, s: Submission) -> Customer | None:
    keys = keys_of(s.contact)
    return await uow.customers.find(s.tenant_id, keys) if keys else None


async def _original(
    uow: IntakeUnitOfWork, s: Submission, config: TenantConfig, now: datetime
) -> Ticket | None:
    rule, candidate = config.repeat_rule, tickets.candidate(s, now)
    if s.type not in rule.types or not candidate.contact_keys or not rule.window:
        return None
    earlier = await uow.tickets.registered_since(
        s.tenant_id, sorted(candidate.contact_keys), now - rule.window
    )
    prior = find_original(candidate, [t.as_prior() for t in earlier], rule)
    return next((t for t in earlier if prior and t.ticket_id == prior.ticket_id), None)


async def reject_submission(cmd: RejectSubmission, new_uow: NewUnitOfWork) -> None:
    """Tell upstream, through the intake events topic, why its submission was refused."""
    async with new_uow() as uow:
        uow.publish(
            SubmissionRejected(
                occurred_at=uow.now(),
                producer=PRODUCER,
                tenant_id=cmd.tenant_id or "unknown",
                ticket_id=f"rejected:{cmd.source}:{cmd.external_ref}",
                correlation_id=cmd.external_ref,
                payload=SubmissionRejectedPayload(
                    source=cmd.source, external_ref=cmd.external_ref, errors=cmd.errors
                ),
            )
        )
        await uow.commit()


async def get_ticket(ticket_id: str, new_uow: NewUnitOfWork) -> Ticket:
    async with new_uow() as uow:
        ticket = await uow.tickets.get(ticket_id)
    if ticket is None:
        raise NotFound(f"ticket {ticket_id} not found")
    return ticket


async def mark_closed(ticket_id: str, new_uow: NewUnitOfWork) -> None:
    """Dispatch closed or canceled the ticket: it no longer counts for the repeat rule."""
    async with new_uow() as uow:
        await uow.tickets.mark_closed(ticket_id)
        await uow.commit()
