"""What upstream systems submit, over HTTP or on the upstream submissions topic."""

from typing import Annotated

from pydantic import Field, model_validator

from shared.events.envelope import Frozen
from shared.events.vocabulary import Channel, Severity, TicketType

Level = Annotated[int, Field(ge=1, le=3, description="1 = high, 3 = low")]
Text = Annotated[str, Field(min_length=1, max_length=200)]


class Contact(Frozen):
    contact_id: str | None = Field(default=None, max_length=100)
    name: str | None = Field(default=None, max_length=200)
    phone: str | None = Field(default=None, pattern=r"^\+?[0-9][0-9 \-]{3,31}$")
    email: str | None = Field(default=None, pattern=r"^[^@\s]+@[^@\s]+$")

    @model_validator(mode="after")
    def _identified(self) -> "Contact":
        if not (self.contact_id or self.phone or self.email):
            raise ValueError("a contact needs contact_id, phone or email")
        return self


class Location(Frozen):
    address: str | None = Field(default=None, max_length=500)
    region: str | None = Field(default=None, max_length=100)
    lon: float | None = Field(default=None, ge=-180, le=180)
    lat: float | None = Field(default=None, ge=-90, le=90)

    @model_validator(mode="after")
    def _both_coordinates(self) -> "Location":
        if (self.lon is None) != (self.lat is None):
            raise ValueError("lon and lat go together")
        return self


class Submission(Frozen):
    """One customer submission as an upstream system sends it."""

    tenant_id: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]
    source: Channel
    source_system: str | None = Field(default=None, max_length=64)
    external_ref: Annotated[str, Field(min_length=1, max_length=128)]
    type: TicketType
    subject: Text
    description: str = Field(default="", max_length=20_000)
    contact: Contact | None = None
    account_id: str | None = Field(default=None, min_length=1, max_length=100)
    location: Location | None = None
    service: str | None = Field(default=None, max_length=100)
    urgency: Level = 3
    impact: Level = 3
    severity: Severity = Severity.NORMAL
    tags: list[Annotated[str, Field(min_length=1, max_length=50)]] = Field(
        default_factory=list, max_length=20
    )
    needs_onsite: bool = False
    # A follow-up of another ticket, e.g. a customer's reply to a closed one (归档 is final).
    related_to: str | None = Field(default=None, max_length=64)

    @model_validator(mode="after")
    def _customer_given(self) -> "Submission":
        if self.contact is None and self.account_id is None:
            raise ValueError("contact or account_id is required")
        return self
