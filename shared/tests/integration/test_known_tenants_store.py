"""The known-tenants use cases against MongoDB and against the in-memory fake the unit tests
use: the same answers, so the fake cannot drift from the store."""

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

import pytest

from shared.clock import FakeClock
from shared.events import Topics
from shared.mongo.indexes import ensure_indexes
from shared.mongo.tenants import KNOWN_TENANTS, KnownTenantsUnitOfWork
from shared.tenants import KnownTenant, TenantNotProvisioned, known_tenant, learn_tenant
from shared.testing.builders import tenant_provisioned
from shared.testing.fakes import FakeTenantsUnitOfWork

T0 = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)
CONSUMER = "contract.tenants"


@dataclass
class Subject:
    new_uow: Callable[[], Any]
    # Gives the service a ticket of the tenant (as its own consumers would store it).
    hold_ticket_of: Callable[[str], Awaitable[None]]


@pytest.fixture(params=["fake", "mongo"])
async def subject(request, mongo_client, namespace) -> AsyncIterator[Subject]:
    if request.param == "fake":
        fake = FakeTenantsUnitOfWork()

        async def fake_ticket(tenant_id: str) -> None:
            fake.known_tenants.tickets.add(tenant_id)

        yield Subject(fake, fake_ticket)
        return
    db = mongo_client[f"{namespace}_tenants"]
    await ensure_indexes(db, {})

    async def stored_ticket(tenant_id: str) -> None:
        await db["tickets"].insert_one({"_id": f"t-{tenant_id}", "tenant_id": tenant_id})

    try:
        new_uow = partial(
            KnownTenantsUnitOfWork, mongo_client, db, Topics(namespace), FakeClock(T0),
            ticket_collections=["tickets"],
        )  # fmt: skip
        yield Subject(new_uow, stored_ticket)
    finally:
        await mongo_client.drop_database(db.name)


async def test_a_provisioning_is_kept_with_its_instant_and_a_redelivery_is_dropped(subject):
    first = tenant_provisioned("acme", "ACME", at=T0)
    renamed = tenant_provisioned("acme", "ACME Post", at=T0 + timedelta(minutes=1))

    await learn_tenant(CONSUMER, subject.new_uow, first)
    await learn_tenant(CONSUMER, subject.new_uow, renamed)
    await learn_tenant(CONSUMER, subject.new_uow, first)  # redelivered after the rename

    assert await known_tenant("acme", subject.new_uow) == KnownTenant(
        "acme", "ACME Post", T0 + timedelta(minutes=1)
    )


async def test_a_tenant_is_known_from_a_ticket_and_nothing_else(subject):
    await subject.hold_ticket_of("legacy")

    assert await known_tenant("legacy", subject.new_uow) == KnownTenant("legacy")
    with pytest.raises(TenantNotProvisioned):
        await known_tenant("ghost", subject.new_uow)


async def test_the_mongo_projection_is_one_document_per_tenant(mongo_client, namespace):
    db = mongo_client[f"{namespace}_tenants"]
    new_uow = partial(KnownTenantsUnitOfWork, mongo_client, db, Topics(namespace), FakeClock(T0))
    try:
        for minute in range(3):
            at = T0 + timedelta(minutes=minute)
            await learn_tenant(CONSUMER, new_uow, tenant_provisioned("acme", f"v{minute}", at))
        assert await db[KNOWN_TENANTS].count_documents({}) == 1
    finally:
        await mongo_client.drop_database(db.name)
