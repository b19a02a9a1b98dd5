"""A service's known tenants: what intake's tenant.provisioned events teach it, and the 404
of a tenant-scoped write for a tenant it does not know."""

from datetime import UTC, datetime, timedelta
from typing import Annotated

import httpx
import pytest
from fastapi import APIRouter, Body, FastAPI

from shared import tenant_http
from shared.events.intake import TenantProvisioned, TenantProvisionedPayload
from shared.http import install_http_basics
from shared.tenant_http import NOT_PROVISIONED, ProvisionedTenant
from shared.tenants import (
    KnownTenant,
    TenantNotProvisioned,
    known_tenant,
    learn_tenant,
    learned,
)
from shared.testing.fakes import FakeTenantsUnitOfWork

AT = datetime(2026, 3, 7, 9, 0, tzinfo=UTC)
CONSUMER = "svc.tenants"


def provisioned(name: str = "ACME", at: datetime = AT, tenant: str = "acme") -> TenantProvisioned:
    payload = TenantProvisionedPayload(tenant_id=tenant, name=name)
    return TenantProvisioned(occurred_at=at, producer="intake", tenant_id=tenant, payload=payload)


def test_a_first_provisioning_makes_the_tenant_known_by_its_name():
    assert learned(None, provisioned()) == KnownTenant("acme", "ACME", AT)


def test_a_later_rename_wins_and_an_earlier_one_changes_nothing():
    known = KnownTenant("acme", "ACME", AT)

    later = learned(known, provisioned("ACME Post", AT + timedelta(seconds=1)))
    assert later == KnownTenant("acme", "ACME Post", AT + timedelta(seconds=1))
    assert learned(known, provisioned("Old name", AT - timedelta(seconds=1))) is None
    assert learned(known, provisioned("Same instant", AT)) is None


def test_intakes_event_names_a_tenant_known_only_from_its_tickets():
    assert learned(KnownTenant("acme"), provisioned()) == KnownTenant("acme", "ACME", AT)


async def test_a_provisioned_tenant_is_recorded_once_per_event():
    uow = FakeTenantsUnitOfWork()
    event = provisioned()

    await learn_tenant(CONSUMER, uow, event)
    uow.known_tenants.rows["acme"] = KnownTenant("acme", "changed since", AT)
    await learn_tenant(CONSUMER, uow, event)  # redelivered

    assert uow.known_tenants.rows["acme"].name == "changed since"
    assert uow.processed == {(CONSUMER, str(event.event_id))}
    assert uow.commits == 1


async def test_a_rename_reaches_the_projection():
    uow = FakeTenantsUnitOfWork()

    await learn_tenant(CONSUMER, uow, provisioned("ACME"))
    await learn_tenant(CONSUMER, uow, provisioned("ACME Post", AT + timedelta(minutes=1)))

    assert (await known_tenant("acme", uow)).name == "ACME Post"


async def test_an_unknown_tenant_is_a_404_naming_it():
    uow = FakeTenantsUnitOfWork()

    with pytest.raises(TenantNotProvisioned) as refused:
        await known_tenant("ghost", uow)
    assert refused.value.status_code == 404
    assert "tenant ghost is not provisioned" in refused.value.message


async def test_a_tenant_the_service_holds_tickets_of_is_known_without_its_event():
    uow = FakeTenantsUnitOfWork()
    uow.known_tenants.tickets.add("legacy")

    assert await known_tenant("legacy", uow) == KnownTenant("legacy")


# -- the HTTP edge: a route declaring ProvisionedTenant, and the readiness route --------


def app_with_things(uow: FakeTenantsUnitOfWork) -> tuple[FastAPI, dict[str, str]]:
    """A route that stores what it is sent for a provisioned tenant only."""
    stored: dict[str, str] = {}
    router = APIRouter()

    @router.put("/tenants/{tenant_id}/things/{key}", responses=NOT_PROVISIONED)
    async def put_thing(
        tenant_id: ProvisionedTenant, key: str, value: Annotated[str, Body(embed=True)]
    ) -> dict[str, str]:
        stored[f"{tenant_id}/{key}"] = value
        return {"stored": key}

    app = FastAPI()
    app.state.known_tenants = uow
    app.include_router(router)
    app.include_router(tenant_http.router)
    install_http_basics(app)
    return app, stored


def client(app: FastAPI) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://svc")


async def test_a_write_for_an_unknown_tenant_is_refused_before_it_changes_anything():
    uow = FakeTenantsUnitOfWork()
    app, stored = app_with_things(uow)

    async with client(app) as http:
        refused = await http.put("/tenants/ghost/things/a", json={"value": "1"})
        not_ready = await http.get("/known-tenants/ghost")
        await learn_tenant(CONSUMER, uow, provisioned(tenant="ghost"))
        accepted = await http.put("/tenants/ghost/things/a", json={"value": "1"})
        ready = await http.get("/known-tenants/ghost")

    assert refused.status_code == 404
    assert "tenant ghost is not provisioned" in refused.json()["detail"]["message"]
    assert not_ready.status_code == 404
    assert accepted.status_code == 200
    assert stored == {"ghost/a": "1"}
    assert (ready.status_code, ready.json()) == (200, {"tenant_id": "ghost", "name": "ACME"})


def test_the_refusal_is_documented_on_the_route():
    app, _ = app_with_things(FakeTenantsUnitOfWork())

    put = app.openapi()["paths"]["/tenants/{tenant_id}/things/{key}"]["put"]
    assert "not provisioned" in put["responses"]["404"]["description"]
