"""Intake use cases: register a submission, reject one that does not validate."""

from dataclasses import dataclass, field
from uuid import uuid4
from zoneinfo import ZoneInfo

from services.intake.app.ports import DuplicateSubmission, NewUnitOfWork
from services.intake.domain import ticket as tickets
from services.intake.domain.numbering import NumberMask
from services.intake.domain.ticket import PRODUCER, Ticket
from shared.concurrency import KeyedLocks
from shared.errors import NotFound
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
    mask: NumberMask
    zone: ZoneInfo
    # Registrations drawing from one counter would all collide on its document; in one
    # process they queue here instead, and only other replicas' transactions conflict
    # (and are retried).
    locks: KeyedLocks = field(default_factory=KeyedLocks)


async def register_ticket(
    cmd: RegisterTicket, new_uow: NewUnitOfWork, numbering: Numbering
) -> Registration:
    """Register once per (tenant, source, external_ref); a resubmission gets the original."""
    for _ in range(_DUPLICATE_ROUNDS):
        try:
            return await retry_transient(lambda: _register(cmd, new_uow, numbering))
        except DuplicateSubmission:
            continue  # a concurrent registration committed first: the next round returns it
    raise DuplicateSubmission(cmd.submission.external_ref)


async def _register(
    cmd: RegisterTicket, new_uow: NewUnitOfWork, numbering: Numbering
) -> Registration:
    s = cmd.submission
    async with new_uow() as uow:
        now = uow.now()
        local = now.astimezone(numbering.zone)
        counter = numbering.mask.counter_key(s.tenant_id, s.type, local)
        # Held from the transaction's first read: its snapshot then already includes the
        # previous holder's counter increment, so the increment below cannot conflict.
        async with numbering.locks.hold(counter):
            existing = await uow.tickets.find_by_external_ref(s.tenant_id, s.source, s.external_ref)
            if existing is not None:
                return Registration(existing, created=False)
            seq = await uow.counters.next(counter)
            number = numbering.mask.format(s.tenant_id, s.type, local, seq)
            ticket = tickets.register(s, uuid4().hex, number, now, cmd.actor)
            await uow.tickets.add(ticket)
            uow.publish(*ticket.events)
            await uow.commit()
        return Registration(ticket, created=True)


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
