"""Intake's Kafka entrypoint: submissions published by upstream systems."""

import json

from pydantic import ValidationError

from services.intake.app import handlers
from services.intake.bootstrap_types import IntakeContext
from shared.events import Actor, FieldError
from shared.events.submissions import Submission
from shared.http import field_errors
from shared.kafka.delivery import InboundMessage

UPSTREAM = Actor(id="upstream", role="system")


class SubmissionConsumer:
    def __init__(self, ctx: IntakeContext) -> None:
        self._ctx = ctx

    async def __call__(self, message: InboundMessage) -> None:
        try:
            submission = Submission.model_validate_json(message.value)
        except ValidationError as error:
            await handlers.reject_submission(_rejection(message.value, error), self._ctx.new_uow)
            return
        cmd = handlers.RegisterTicket(submission, UPSTREAM)
        await handlers.register_ticket(cmd, self._ctx.new_uow, self._ctx.numbering)


def _rejection(raw: bytes, error: ValidationError) -> handlers.RejectSubmission:
    fields = _best_effort_fields(raw)
    return handlers.RejectSubmission(
        tenant_id=_text(fields.get("tenant_id")),
        source=_text(fields.get("source")),
        external_ref=_text(fields.get("external_ref")),
        errors=[FieldError(**e) for e in field_errors(error.errors())],
    )


def _best_effort_fields(raw: bytes) -> dict[str, object]:
    try:
        parsed = json.loads(raw)
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
