"""Notify's MongoDB collections: the tickets it follows, the people and tenant settings it
reads, tenants' template overrides, webhook subscriptions and every delivery."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pymongo import ASCENDING, IndexModel, ReturnDocument
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from services.notify.adapters import documents as docs
from services.notify.domain.channels import Channel
from services.notify.domain.deliveries import Delivery
from services.notify.domain.preferences import Person, TenantNotifySettings
from services.notify.domain.rendering import Kind
from services.notify.domain.rules import Roster
from services.notify.domain.subscriptions import Subscription
from services.notify.domain.tickets import FollowedTicket
from shared.mongo.unit_of_work import MongoUnitOfWork

TICKETS, PEOPLE, SETTINGS, TEMPLATES = "tickets", "people", "settings", "templates"
DELIVERIES, SUBSCRIPTIONS = "deliveries", "subscriptions"
# The sender's queue: pending deliveries, the earliest due first.
DUE = [("pending", ASCENDING), ("next_attempt_at", ASCENDING)]
# Every status a delivery took is on the ticket's history in the gateway; notify's own
# record is for retries, the audit of recent weeks and the API.
DELIVERY_RETENTION_S = 90 * 24 * 3600
INDEXES = {
    DELIVERIES: [IndexModel(DUE), IndexModel([("ticket_id", ASCENDING), ("created_at", ASCENDING)]),
                 IndexModel([("subscription_id", ASCENDING), ("pending", ASCENDING)]),
                 IndexModel([("expires_from", ASCENDING)],
                            expireAfterSeconds=DELIVERY_RETENTION_S),
                 IndexModel([("digest_key", ASCENDING), ("pending", ASCENDING)])],
    # Whether notify follows any ticket of a tenant: it then knows the tenant.
    TICKETS: [IndexModel([("tenant_id", ASCENDING)])],
    PEOPLE: [IndexModel([("tenant_id", ASCENDING), ("on_duty", ASCENDING)])],
    SUBSCRIPTIONS: [IndexModel([("tenant_id", ASCENDING)])],
}  # fmt: skip


class _Collection:
    def __init__(self, db: AsyncDatabase[Any], name: str, session: AsyncClientSession) -> None:
        self._c = db[name]
        self._session = session


class MongoTickets(_Collection):
    async def get(self, ticket_id: str) -> FollowedTicket | None:
        doc = await self._c.find_one({"_id": ticket_id}, session=self._session)
        return docs.ticket_from(doc) if doc else None

    async def save(self, ticket: FollowedTicket) -> None:
        # Read and written in one transaction: a concurrent change is a write conflict.
        ticket.version += 1
        await self._c.replace_one({"_id": ticket.ticket_id}, docs.ticket_document(ticket),
                                  upsert=True, session=self._session)  # fmt: skip


class MongoPeople(_Collection):
    async def get(self, tenant_id: str, username: str) -> Person | None:
        doc = await self._c.find_one({"_id": f"{tenant_id}/{username}"}, session=self._session)
        return docs.person_from(doc) if doc else None

    async def many(self, tenant_id: str, usernames: Sequence[str]) -> dict[str, Person]:
        if not usernames:
            return {}
        ids = [f"{tenant_id}/{name}" for name in usernames]
        cursor = self._c.find({"_id": {"$in": ids}}, session=self._session)
        return {doc["username"]: docs.person_from(doc) async for doc in cursor}

    async def roster(self, tenant_id: str, group: str | None) -> Roster:
        on_duty = [docs.person_from(doc) async for doc in self._c.find(
            {"tenant_id": tenant_id, "on_duty": True}, session=self._session
        ).sort("username", ASCENDING)]  # fmt: skip
        leads = [] if group is None else [doc["username"] async for doc in self._c.find(
            {"tenant_id": tenant_id, "leads": group}, session=self._session
        ).sort("username", ASCENDING)]  # fmt: skip
        return Roster(
            tuple(leads), tuple(p.username for p in on_duty if p.supervisor),
            tuple(p.username for p in on_duty),
        )  # fmt: skip

    async def put(self, person: Person) -> None:
        doc = docs.person_document(person)
        await self._c.replace_one({"_id": doc["_id"]}, doc, upsert=True, session=self._session)

    async def delete(self, tenant_id: str, username: str) -> bool:
        gone = await self._c.delete_one({"_id": f"{tenant_id}/{username}"}, session=self._session)
        return gone.deleted_count == 1


class MongoSettings(_Collection):
    async def get(self, tenant_id: str) -> TenantNotifySettings | None:
        doc = await self._c.find_one({"_id": tenant_id}, session=self._session)
        return docs.settings_from(doc) if doc else None

    async def put(self, tenant_id: str, settings: TenantNotifySettings) -> None:
        doc = docs.settings_document(tenant_id, settings)
        await self._c.replace_one({"_id": tenant_id}, doc, upsert=True, session=self._session)


def _template_id(tenant_id: str, kind: Kind, channel: Channel, language: str) -> str:
    return f"{tenant_id}/{kind.value}/{channel.value}/{language}"


class MongoTemplates(_Collection):
    async def get(self, tenant_id: str, kind: Kind, channel: Channel, language: str) -> str | None:
        key = _template_id(tenant_id, kind, channel, language)
        doc = await self._c.find_one({"_id": key}, session=self._session)
        return str(doc["source"]) if doc else None

    async def put(
        self, tenant_id: str, kind: Kind, channel: Channel, language: str, source: str
    ) -> None:
        key = _template_id(tenant_id, kind, channel, language)
        doc = {"_id": key, "tenant_id": tenant_id, "source": source}
        await self._c.replace_one({"_id": key}, doc, upsert=True, session=self._session)

    async def delete(self, tenant_id: str, kind: Kind, channel: Channel, language: str) -> bool:
        key = _template_id(tenant_id, kind, channel, language)
        return (await self._c.delete_one({"_id": key}, session=self._session)).deleted_count == 1


class MongoDeliveries(_Collection):
    async def add(self, delivery: Delivery) -> bool:
        try:
            await self._c.insert_one(docs.delivery_document(delivery), session=self._session)
        except DuplicateKeyError:
            return False
        return True

    async def get(self, delivery_id: str) -> Delivery | None:
        doc = await self._c.find_one({"_id": delivery_id}, session=self._session)
        return docs.delivery_from(doc) if doc else None

    async def save(self, delivery: Delivery) -> None:
        delivery.version += 1
        doc = docs.delivery_document(delivery)
        await self._c.replace_one({"_id": doc["_id"]}, doc, session=self._session)

    async def of_ticket(self, ticket_id: str, limit: int) -> list[Delivery]:
        cursor = self._c.find({"ticket_id": ticket_id}, session=self._session)
        found = await cursor.sort("created_at", ASCENDING).limit(limit).to_list()
        return [docs.delivery_from(doc) for doc in found]

    async def wake(self, subscription_id: str, now: datetime) -> None:
        await self._c.update_many(
            {"subscription_id": subscription_id, "pending": True, "claim": None},
            {"$set": {"next_attempt_at": now, "reason": None}}, session=self._session,
        )  # fmt: skip


class MongoSubscriptions(_Collection):
    async def of_tenant(self, tenant_id: str) -> list[Subscription]:
        cursor = self._c.find({"tenant_id": tenant_id}, session=self._session)
        return [docs.subscription_from(doc) async for doc in cursor.sort("created_at", ASCENDING)]

    async def get(self, subscription_id: str) -> Subscription | None:
        doc = await self._c.find_one({"_id": subscription_id}, session=self._session)
        return docs.subscription_from(doc) if doc else None

    async def save(self, subscription: Subscription) -> None:
        subscription.version += 1
        doc = docs.subscription_document(subscription)
        await self._c.replace_one({"_id": doc["_id"]}, doc, upsert=True, session=self._session)

    async def delete(self, subscription_id: str) -> bool:
        gone = await self._c.delete_one({"_id": subscription_id}, session=self._session)
        return gone.deleted_count == 1


class NotifyMongoUnitOfWork(MongoUnitOfWork):
    tickets: MongoTickets
    people: MongoPeople
    settings: MongoSettings
    templates: MongoTemplates
    deliveries: MongoDeliveries
    subscriptions: MongoSubscriptions

    def _bind(self, session: AsyncClientSession) -> None:
        self.tickets = MongoTickets(self.db, TICKETS, session)
        self.people = MongoPeople(self.db, PEOPLE, session)
        self.settings = MongoSettings(self.db, SETTINGS, session)
        self.templates = MongoTemplates(self.db, TEMPLATES, session)
        self.deliveries = MongoDeliveries(self.db, DELIVERIES, session)
        self.subscriptions = MongoSubscriptions(self.db, SUBSCRIPTIONS, session)


class MongoDeliveryQueue:
    def __init__(self, db: AsyncDatabase[Any]) -> None:
        self._deliveries = db[DELIVERIES]

    async def claim(
        self, claim: str, now: datetime, lease_until: datetime, limit: int
    ) -> list[tuple[str, str | None]]:
        """One document at a time: each claim is atomic, so replicas never share one."""
        claimed = []
        for _ in range(limit):
            doc = await self._deliveries.find_one_and_update(
                {"pending": True, "next_attempt_at": {"$lte": now}},
                {"$set": {"claim": claim, "next_attempt_at": lease_until}},
                sort=[("next_attempt_at", ASCENDING)], projection={"_id": 1, "digest_key": 1},
                return_document=ReturnDocument.AFTER,
            )  # fmt: skip
            if doc is None:
                break
            claimed.append((str(doc["_id"]), doc.get("digest_key")))
        return claimed

    async def take(self, delivery_id: str, claim: str, attempt: str) -> bool:
        doc = await self._deliveries.find_one_and_update(
            {"_id": delivery_id, "claim": claim, "pending": True},
            {"$set": {"claim": attempt}}, projection={"_id": 1},
        )  # fmt: skip
        return doc is not None

    async def claim_digest(
        self, key: str, attempt: str, lease_until: datetime, limit: int
    ) -> list[str]:
        """The pending deliveries of a digest that no sender holds, oldest first, each
        taken atomically (those of the same round come with the lead: see ``take``)."""
        claimed: list[str] = []
        while len(claimed) < limit:
            doc = await self._deliveries.find_one_and_update(
                {"digest_key": key, "pending": True, "claim": None},
                {"$set": {"claim": attempt, "next_attempt_at": lease_until}},
                sort=[("created_at", ASCENDING)], projection={"_id": 1},
                return_document=ReturnDocument.AFTER,
            )  # fmt: skip
            if doc is None:
                break
            claimed.append(str(doc["_id"]))
        return claimed
