"""Intake's Kafka entrypoints: upstream submissions and customers, dispatch's closures."""

import json
import logging
from collections.abc import Sequence

from pydantic import ValidationError

from services.intake.app import batch, customers, handlers
from services.intake.app.context import IntakeContext
from services.intake.entrypoints.customer_schemas import ContactFields
from shared.errors import InvalidFields
from shared.events import Actor, FieldError, MalformedEvent
from shared.events.customers import CustomerVerified
from shared.events.dispatch import TicketCanceled, TicketClosed
from shared.events.submissions import Submission
from shared.http import field_errors
from shared.kafka.delivery import InboundMessage
from shared.kafka.routing import EventRouter

log = logging.getLogger(__name__)
UPSTREAM = Actor(id="upstream", role="system")


class SubmissionConsumer:
    def __init__(self, ctx: IntakeContext) -> None:
        self._ctx = ctx
        # The last prepared batch's submissions by the bytes they came as (parsing is a
        # function of them alone): its handlers need not validate them again.
        self._parsed: dict[bytes, Submission] = {}

    async def prepare(self, messages: Sequence[InboundMessage]) -> None:
        """Inside a batch's transaction, before its messages (see shared.kafka.batches):
        what their registrations will look up is read at once. What does not parse is
        left to its own handling."""
        parsed = ((m.value, _parsed(m.value)) for m in messages)
        self._parsed = {raw: s for raw, s in parsed if s is not None}
        submissions = list(self._parsed.values())
        await batch.prepare_registrations(submissions, self._ctx.new_uow, self._ctx.numbering)

    async def __call__(self, message: InboundMessage) -> None:
        submission = self._parsed.get(message.value)
        if submission is None:
            try:
                submission = Submission.model_validate_json(message.value)
            except ValidationError as error:
                rejection = _rejection(message.value, error)
                await handlers.reject_submission(rejection, self._ctx.new_uow)
                return
        cmd = handlers.RegisterTicket(submission, UPSTREAM)
        try:
            await handlers.register_ticket(cmd, self._ctx.new_uow, self._ctx.numbering)
        except InvalidFields as refused:
            await handlers.reject_submission(_refusal(submission, refused), self._ctx.new_uow)


class CustomerConsumer:
    """``customer.verified`` releases the contact's quarantined tickets; other types are skipped."""

    def __init__(self, ctx: IntakeContext) -> None:
        self._ctx = ctx

    async def __call__(self, message: InboundMessage) -> None:
        event_type = _best_effort_fields(message.value).get("event_type")
        if event_type != "customer.verified":
            log.info("skipping upstream customer message", extra={"event_type": event_type})
            return
        try:
            event = CustomerVerified.model_validate_json(message.value)
        except ValidationError as error:
            raise MalformedEvent("customer.verified", error) from error
        actor = Actor(id=event.producer, role="system")
        await customers.customer_verified_upstream(_contact(event), actor, self._ctx.new_uow)


def _contact(event: CustomerVerified) -> customers.ContactData:
    fields = event.contact.model_dump() | {"account_id": event.account_id, "verified": True}
    return ContactFields.model_validate(fields).data(event.tenant_id)


def dispatch_events(ctx: IntakeContext) -> EventRouter:
    """Closed and canceled tickets stop counting as open for the repeat rule."""
    router = EventRouter()

    async def closed(event: TicketClosed | TicketCanceled) -> None:
        await handlers.mark_closed(event.ticket_id, ctx.new_uow)

    router.on(TicketClosed, closed)
    router.on(TicketCanceled, closed)
    return router


def _parsed(raw: bytes) -> Submission | None:
    try:
        return Submission.model_validate_json(raw)
    except ValidationError:
        return None


def _rejection(raw: bytes, error: ValidationError) -> handlers.RejectSubmission:
    fields = _best_effort_fields(raw)
    return handlers.RejectSubmission(
        tenant_id=_text(fields.get("tenant_id")),
        source=_text(fields.get("source")),
        external_ref=_text(fields.get("external_ref")),
        errors=[FieldError(**e) for e in field_errors(error.errors())],
    )


def _refusal(submission: Submission, refused: InvalidFields) -> handlers.RejectSubmission:
    return handlers.RejectSubmission(
        tenant_id=submission.tenant_id,
        source=submission.source,
        external_ref=submission.external_ref,
        errors=[FieldError(**e) for e in refused.field_errors()],
    )


def _best_effort_fields(raw: bytes) -> dict[str, object]:
    try:
        parsed = json.loads(raw)
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
