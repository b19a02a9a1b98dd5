"""Request and response bodies of the customer directory API."""

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from services.intake.domain.contacts import Account, ContactData, Customer
from shared.events.submissions import Email, Phone, line

TenantId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]
Id = Annotated[str, Field(min_length=1, max_length=100)]


class ContactFields(BaseModel):
    model_config = ConfigDict(extra="forbid")

    contact_id: Id | None = None
    name: Annotated[str, line(200)] | None = None
    phone: Phone | None = None
    email: Email | None = None
    account_id: Id | None = None
    verified: bool = False

    @model_validator(mode="after")
    def _identified(self) -> "ContactFields":
        if not (self.contact_id or self.phone or self.email):
            raise ValueError("a contact needs contact_id, phone or email")
        return self

    def data(self, tenant_id: str) -> ContactData:
        return ContactData(tenant_id=tenant_id, **self.model_dump())


class ContactIn(ContactFields):
    tenant_id: TenantId

    def data(self, tenant_id: str | None = None) -> ContactData:
        return ContactData(**self.model_dump())


class AccountIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    account_id: Id
    name: str = Field(min_length=1, max_length=200)


class AccountBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)


class ImportIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tenant_id: TenantId
    accounts: list[AccountIn] = Field(default_factory=list, max_length=1000)
    contacts: list[ContactFields] = Field(default_factory=list, max_length=1000)

    def accounts_of(self) -> list[Account]:
        return [Account(self.tenant_id, a.account_id, a.name) for a in self.accounts]


class CustomerView(BaseModel):
    customer_id: str
    tenant_id: str
    contact_id: str | None
    name: str | None
    phone: str | None
    email: str | None
    account_id: str | None
    verified: bool


def customer_view(c: Customer) -> CustomerView:
    return CustomerView.model_validate(c, from_attributes=True)


class AccountView(BaseModel):
    tenant_id: str
    account_id: str
    name: str


class ImportedView(BaseModel):
    accounts: int
    contacts_created: int
    contacts_updated: int


class ReleasedView(BaseModel):
    customer_id: str
    released: list[str]
