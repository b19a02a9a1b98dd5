"""The customer directory's rules: who a contact is, and the account a contact implies."""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from shared.events.submissions import Contact, Submission

_PHONE_NOISE = re.compile(r"[\s\-]")


def contact_keys(
    contact_id: str | None = None, phone: str | None = None, email: str | None = None
) -> list[str]:
    """Identities a contact is recognised by; a phone matches whatever its spacing."""
    keys = []
    if contact_id:
        keys.append(f"id:{contact_id}")
    if phone:
        keys.append(f"phone:{_PHONE_NOISE.sub('', phone)}")
    if email:
        keys.append(f"email:{email.lower()}")
    return keys


def keys_of(contact: Contact | None) -> list[str]:
    if contact is None:
        return []
    return contact_keys(contact.contact_id, contact.phone, contact.email)


@dataclass
class ContactData:
    """What the directory knows of a contact, as upstream or an operator gives it."""

    tenant_id: str
    contact_id: str | None = None
    name: str | None = None
    phone: str | None = None
    email: str | None = None
    account_id: str | None = None
    verified: bool = False

    def as_customer(self, customer_id: str) -> "Customer":
        return Customer(customer_id=customer_id, **vars(self))


@dataclass(kw_only=True)
class Customer(ContactData):
    """A contact in a tenant's directory (``customer_id`` is intake's own id for it)."""

    customer_id: str
    keys: list[str] = field(init=False)

    def __post_init__(self) -> None:
        self.keys = contact_keys(self.contact_id, self.phone, self.email)
        if not self.keys:
            raise ValueError("a customer needs contact_id, phone or email")


@dataclass(frozen=True)
class Account:
    tenant_id: str
    account_id: str
    name: str


def with_account(submission: Submission, customer: Customer | None) -> Submission:
    """A contact implies its account: fill it from the directory when not given."""
    if submission.account_id is not None or customer is None or customer.account_id is None:
        return submission
    return submission.model_copy(update={"account_id": customer.account_id})


def is_unknown(submission: Submission, customer: Customer | None) -> bool:
    """A contact that is not a verified directory entry; account-only submissions are known."""
    if submission.contact is None:
        return False
    return customer is None or not customer.verified


def recognised(
    entries: Iterable[tuple[Iterable[str], Customer]], keys: Iterable[str]
) -> tuple[Customer | None, bool]:
    """The customer the directory returns for ``keys`` out of ``entries`` (each with the
    keys it is stored under), a verified one first; with False when two tie, as the order
    between them is the directory's own and only asking it gives the same answer."""
    wanted = set(keys)
    matching = [c for stored, c in entries if not wanted.isdisjoint(stored)]
    if not matching:
        return None, True
    best = max(c.verified for c in matching)
    first = [c for c in matching if c.verified == best]
    return first[0], len(first) == 1
