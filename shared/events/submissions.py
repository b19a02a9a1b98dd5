"""What upstream systems submit, over HTTP or on the upstream submissions topic."""

from typing import Annotated

from pydantic import (
    AfterValidator,
    BeforeValidator,
    EmailStr,
    Field,
    StringConstraints,
    model_validator,
)

from shared.events.envelope import Frozen
from shared.events.phones import e164
from shared.events.vocabulary import Channel, Severity, TicketType

# Strict: a bool or a numeric string is not a level, "yes" is not a bool.
Level = Annotated[int, Field(ge=1, le=3, strict=True, description="1 = high, 3 = low")]
# One line of text: no control characters at all. Free text may have tabs and line breaks.
_ONE_LINE = r"^[^\x00-\x1f\x7f]*$"
_FREE_TEXT = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"


def line(max_length: int) -> StringConstraints:
    """Trimmed, non-empty, one line, at most ``max_length`` characters."""
    return StringConstraints(
        strip_whitespace=True, min_length=1, max_length=max_length, pattern=_ONE_LINE
    )


def _text(max_length: int) -> StringConstraints:
    """Trimmed, non-empty free text (line breaks and tabs allowed)."""
    return StringConstraints(
        strip_whitespace=True, min_length=1, max_length=max_length, pattern=_FREE_TEXT
    )


Text = Annotated[str, line(200)]
# Normalised on the way in, so that "+86 139-0000-0000" and "+8613900000000" are one contact.
Phone = Annotated[str, AfterValidator(e164)]
Email = Annotated[EmailStr, Field(max_length=254)]


class RecordedContact(Frozen):
    """A contact as it was recorded. Events and stored documents are read back as they
    were written and never judged again by today's input rules (a phone accepted by an
    older version stays readable)."""

    contact_id: str | None = None
    name: str | None = None
    phone: str | None = None
    email: str | None = None


class Contact(RecordedContact):
    """A contact as a submission gives it: validated, the phone normalised to E.164."""

    contact_id: Annotated[str, line(100)] | None = None
    name: Annotated[str, line(200)] | None = None
    phone: Phone | None = None
    email: Email | None = None

    @model_validator(mode="after")
    def _identified(self) -> "Contact":
        if not (self.contact_id or self.phone or self.email):
            raise ValueError("a contact needs contact_id, phone or email")
        return self


def _as_recorded(value: object) -> object:
    return value.model_dump() if isinstance(value, Contact) else value


# A field of what was recorded: a validated Contact put into it is stored as recorded, so
# an event is equal to itself after a round trip through Kafka.
AsRecorded = Annotated[RecordedContact, BeforeValidator(_as_recorded)]


class Location(Frozen):
    address: Annotated[str, line(500)] | None = None
    region: Annotated[str, line(100)] | None = None
    lon: float | None = Field(default=None, ge=-180, le=180, strict=True, allow_inf_nan=False)
    lat: float | None = Field(default=None, ge=-90, le=90, strict=True, allow_inf_nan=False)

    @model_validator(mode="after")
    def _both_coordinates(self) -> "Location":
        if (self.lon is None) != (self.lat is None):
            raise ValueError("lon and lat go together")
        return self


class FirstContactResolution(Frozen):
    """直接答复: the agent resolved the request during the call. The ticket is registered and
    closed at once with this resolution (dispatch publishes ``ticket.resolved`` and
    ``ticket.closed`` with reason ``first_contact``, the registering actor as actor)."""

    cause: Annotated[str, _text(2000)]
    solution: Annotated[str, _text(2000)]
    closure_code: Annotated[str, line(100)]


class Submission(Frozen):
    """One customer submission as an upstream system sends it."""

    tenant_id: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]
    source: Channel
    source_system: Annotated[str, line(64)] | None = None
    external_ref: Annotated[str, Field(min_length=1, max_length=128, pattern=r"^\S(.*\S)?$")]
    type: TicketType
    subject: Text
    description: str = Field(default="", max_length=20_000, pattern=_FREE_TEXT)
    contact: Contact | None = None
    account_id: Annotated[str, line(100)] | None = None
    location: Location | None = None
    service: Annotated[str, line(100)] | None = None
    urgency: Level = 3
    impact: Level = 3
    severity: Severity = Severity.NORMAL
    tags: list[Annotated[str, line(50)]] = Field(default_factory=list, max_length=20)
    needs_onsite: bool = Field(default=False, strict=True)
    # A follow-up of another ticket, e.g. a customer's reply to a closed one (归档 is final).
    related_to: Annotated[str, line(64)] | None = None
    # 直接答复: resolved during the call; registered and closed at once (never quarantined).
    first_contact_resolution: FirstContactResolution | None = None

    @model_validator(mode="after")
    def _customer_given(self) -> "Submission":
        if self.contact is None and self.account_id is None:
            raise ValueError("contact or account_id is required")
        return self
