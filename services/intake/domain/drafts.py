"""存盘: a submission an agent saved without registering it, to submit or discard later.

A draft is not a ticket: it has no number and publishes no event. Its fields follow the
submission schema's types and bounds, but any of them (except the tenant) may be missing
until the draft is submitted; submitting validates it as a full :class:`Submission`.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from pydantic import Field, ValidationError

from shared.errors import InvalidFields
from shared.events.envelope import Frozen
from shared.events.submissions import (
    Email,
    FirstContactResolution,
    Level,
    Location,
    Phone,
    Submission,
    line,
)
from shared.events.vocabulary import Channel, Severity, TicketType

# Open drafts one person may keep per tenant; saving one more is refused.
MAX_DRAFTS = 100
# Where the submission's one model-level rule ("contact or account_id") points.
_WHOLE_SUBMISSION = "contact"


class DraftContact(Frozen):
    """A contact as far as the agent typed it: each field checked, none required yet."""

    contact_id: Annotated[str, line(100)] | None = None
    name: Annotated[str, line(200)] | None = None
    phone: Phone | None = None
    email: Email | None = None


class DraftContent(Frozen):
    """The submission's fields, each optional except ``tenant_id``; missing ones take the
    submission's defaults when the draft is submitted. Without ``external_ref`` the ticket's
    is ``draft-<draft_id>``."""

    tenant_id: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]
    source: Channel | None = None
    source_system: Annotated[str, line(64)] | None = None
    external_ref: (
        Annotated[str, Field(min_length=1, max_length=128, pattern=r"^\S(.*\S)?$")] | None
    ) = None
    type: TicketType | None = None
    subject: Annotated[str, line(200)] | None = None
    description: str | None = Field(
        default=None, max_length=20_000, pattern=r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"
    )
    contact: DraftContact | None = None
    account_id: Annotated[str, line(100)] | None = None
    location: Location | None = None
    service: Annotated[str, line(100)] | None = None
    urgency: Level | None = None
    impact: Level | None = None
    severity: Severity | None = None
    tags: list[Annotated[str, line(50)]] | None = Field(default=None, max_length=20)
    needs_onsite: bool | None = Field(default=None, strict=True)
    related_to: Annotated[str, line(64)] | None = None
    first_contact_resolution: FirstContactResolution | None = None


@dataclass
class Draft:
    draft_id: str
    owner: str  # the X-Actor-Id that saved it: only they see, change or submit it
    content: DraftContent
    created_at: datetime
    updated_at: datetime
    # Set once submitted: the draft is gone from "my drafts"; submitting again answers
    # this ticket instead of registering another.
    submitted_as: str | None = None

    @property
    def tenant_id(self) -> str:
        return self.content.tenant_id

    @property
    def open(self) -> bool:
        return self.submitted_as is None

    def visible_to(self, actor_id: str) -> bool:
        return self.owner == actor_id

    def replace(self, content: DraftContent, at: datetime) -> None:
        """New content for the draft; it cannot move to another tenant."""
        if content.tenant_id != self.tenant_id:
            reason = f"draft {self.draft_id} belongs to tenant {self.tenant_id!r}"
            raise InvalidFields({"tenant_id": reason})
        self.content, self.updated_at = content, at

    def submission(self) -> Submission:
        """The draft as a full submission; a 422 naming every field that is still wrong."""
        fields: dict[str, Any] = self.content.model_dump(exclude_none=True)
        fields.setdefault("external_ref", f"draft-{self.draft_id}")
        try:
            return Submission.model_validate(fields)
        except ValidationError as error:
            raise InvalidFields(_named(error)) from error


def new_draft(draft_id: str, owner: str, content: DraftContent, at: datetime) -> Draft:
    return Draft(draft_id, owner, content, created_at=at, updated_at=at)


def _named(error: ValidationError) -> dict[str, str]:
    named: dict[str, str] = {}
    for problem in error.errors():
        field = ".".join(str(part) for part in problem["loc"]) or _WHOLE_SUBMISSION
        named[field] = f"{named[field]}; {problem['msg']}" if field in named else problem["msg"]
    return named
