"""Messages upstream CRM systems publish on the upstream customers topic."""

from typing import Literal
from uuid import UUID

from pydantic import AwareDatetime, Field, model_validator

from shared.events.envelope import Frozen
from shared.events.submissions import Contact


class CustomerVerified(Frozen):
    """``customer.verified``: the CRM vouches for this contact; intake releases its tickets."""

    event_type: Literal["customer.verified"] = "customer.verified"
    event_id: UUID
    occurred_at: AwareDatetime
    producer: str = Field(min_length=1, max_length=64)
    tenant_id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    contact: Contact
    account_id: str | None = Field(default=None, min_length=1, max_length=100)

    @model_validator(mode="after")
    def _identified(self) -> "CustomerVerified":
        if not (self.contact.contact_id or self.contact.phone or self.contact.email):
            raise ValueError("a verified customer needs contact_id, phone or email")
        return self
