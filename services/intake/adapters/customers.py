"""MongoDB persistence of the customer directory: contacts and accounts per tenant."""

from collections.abc import Collection
from dataclasses import asdict
from typing import Any

from pymongo import ASCENDING, DESCENDING, IndexModel
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from services.intake.adapters.batch import TransactionState
from services.intake.app.ports import DuplicateCustomer
from services.intake.domain.contacts import Account, Customer, recognised

CUSTOMERS, ACCOUNTS = "customers", "accounts"
# Per tenant, what a batch read of the directory: the keys asked for, and every entry
# sharing one (with the keys it is stored under, which the directory matches on).
_READ = "intake.customers"
Read = dict[str, tuple[frozenset[str], list[tuple[list[str], Customer]]]]

CUSTOMER_INDEXES = [
    IndexModel(
        [("tenant_id", ASCENDING), ("contact_id", ASCENDING)],
        unique=True,
        partialFilterExpression={"contact_id": {"$type": "string"}},
    ),
    IndexModel([("tenant_id", ASCENDING), ("keys", ASCENDING), ("verified", DESCENDING)]),
    IndexModel([("tenant_id", ASCENDING), ("_id", ASCENDING)]),
]
ACCOUNT_INDEXES = [IndexModel([("tenant_id", ASCENDING), ("account_id", ASCENDING)], unique=True)]


def _customer(doc: dict[str, Any]) -> Customer:
    fields = {k: v for k, v in doc.items() if k not in {"_id", "keys"}}
    return Customer(customer_id=doc["_id"], **fields)


class MongoCustomerDirectory:
    def __init__(
        self,
        db: AsyncDatabase[Any],
        session: AsyncClientSession,
        state: TransactionState | None = None,
    ) -> None:
        self._customers = db[CUSTOMERS]
        self._accounts = db[ACCOUNTS]
        self._session = session
        self._state = state

    async def preload(self, tenant_id: str, contact_keys: Collection[str]) -> None:
        """One query for the entries a batch's ``find``s of the tenant may return."""
        if self._state is None or not contact_keys:
            return
        query = {"tenant_id": tenant_id, "keys": {"$in": sorted(contact_keys)}}
        docs = await self._customers.find(query, session=self._session).to_list()
        read: Read = self._state.get(_READ) or self._state.start(_READ, {})
        read[tenant_id] = frozenset(contact_keys), [(d["keys"], _customer(d)) for d in docs]

    def _known(self, tenant_id: str, contact_keys: list[str]) -> tuple[Customer | None, bool]:
        read: Read | None = self._state.get(_READ) if self._state else None
        entry = read.get(tenant_id) if read else None
        if entry is None or not entry[0].issuperset(contact_keys):
            return None, False
        return recognised(entry[1], contact_keys)

    async def get(self, customer_id: str) -> Customer | None:
        doc = await self._customers.find_one({"_id": customer_id}, session=self._session)
        return _customer(doc) if doc else None

    async def find(self, tenant_id: str, contact_keys: list[str]) -> Customer | None:
        customer, certain = self._known(tenant_id, contact_keys)
        if certain:
            return customer
        query = {"tenant_id": tenant_id, "keys": {"$in": contact_keys}}
        cursor = self._customers.find(query, session=self._session).sort("verified", DESCENDING)
        docs = await cursor.to_list(1)
        return _customer(docs[0]) if docs else None

    async def save(self, customer: Customer) -> None:
        self._forget()
        doc = asdict(customer)
        doc["_id"] = doc.pop("customer_id")
        try:
            await self._customers.replace_one(
                {"_id": doc["_id"]}, doc, upsert=True, session=self._session
            )
        except DuplicateKeyError as error:
            raise DuplicateCustomer(f"contact_id {customer.contact_id} is taken") from error

    async def delete(self, customer_id: str) -> bool:
        self._forget()
        result = await self._customers.delete_one({"_id": customer_id}, session=self._session)
        return result.deleted_count == 1

    def _forget(self) -> None:
        """What the batch read of the directory is stale once it changes it."""
        if self._state is not None:
            self._state.drop(_READ)

    async def of_tenant(self, tenant_id: str, after: str | None, limit: int) -> list[Customer]:
        query: dict[str, Any] = {"tenant_id": tenant_id}
        if after is not None:
            query["_id"] = {"$gt": after}
        cursor = self._customers.find(query, session=self._session).sort("_id", ASCENDING)
        return [_customer(doc) for doc in await cursor.to_list(limit)]

    async def get_account(self, tenant_id: str, account_id: str) -> Account | None:
        query = {"tenant_id": tenant_id, "account_id": account_id}
        doc = await self._accounts.find_one(query, session=self._session)
        return Account(tenant_id, account_id, doc["name"]) if doc else None

    async def save_account(self, account: Account) -> None:
        query = {"tenant_id": account.tenant_id, "account_id": account.account_id}
        await self._accounts.replace_one(
            query, query | {"name": account.name}, upsert=True, session=self._session
        )

    async def delete_account(self, tenant_id: str, account_id: str) -> bool:
        query = {"tenant_id": tenant_id, "account_id": account_id}
        result = await self._accounts.delete_one(query, session=self._session)
        return result.deleted_count == 1
