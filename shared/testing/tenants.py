"""Tenants for tests: provisioned through intake's admin API as an operator would, and
known to the services that keep per-tenant configuration (dispatch, sla, qc, notify) once
intake's tenant.provisioned event has reached them.

A test that runs one service without intake makes a tenant known the same way intake
would: it publishes the tenant.provisioned event itself (``make_known``)."""

import asyncio
import time
from collections.abc import Sequence

import httpx

from shared.events import Topics
from shared.testing.builders import tenant_provisioned
from shared.testing.kafka import publish_in_order

# Generous: on a busy machine a service's consumer may still be joining its group.
KNOWN_WITHIN_S = 60.0
_POLL_S = 0.1


async def provision_tenant(
    intake_url: str, tenant_id: str, name: str = "Test tenant", known_by: Sequence[str] = ()
) -> None:
    """PUT the tenant into intake's registry, then wait until every service at the base
    URLs ``known_by`` knows it (``GET /known-tenants/{tenant_id}`` answers 200)."""
    async with httpx.AsyncClient(base_url=intake_url, timeout=30.0) as client:
        response = await client.put(f"/tenants/{tenant_id}", json={"name": name})
    assert response.status_code in (200, 201), response.text
    for url in known_by:
        async with httpx.AsyncClient(base_url=url, timeout=30.0) as service:
            await until_known(service, tenant_id)


async def until_known(service: httpx.AsyncClient, tenant_id: str) -> None:
    """Wait until ``service`` (a client of one service) knows ``tenant_id``."""
    deadline = time.monotonic() + KNOWN_WITHIN_S
    while True:
        answer = await service.get(f"/known-tenants/{tenant_id}")
        if answer.status_code == 200:
            return
        assert answer.status_code == 404, answer.text
        if time.monotonic() > deadline:
            raise AssertionError(f"{service.base_url} did not learn tenant {tenant_id} in time")
        await asyncio.sleep(_POLL_S)


def until_known_blocking(service_url: str, tenant_id: str) -> None:
    """``until_known`` for synchronous set-up code (fixtures that are not coroutines)."""
    deadline = time.monotonic() + KNOWN_WITHIN_S
    with httpx.Client(base_url=service_url, timeout=30.0) as service:
        while True:
            answer = service.get(f"/known-tenants/{tenant_id}")
            if answer.status_code == 200:
                return
            assert answer.status_code == 404, answer.text
            if time.monotonic() > deadline:
                raise AssertionError(f"{service_url} did not learn tenant {tenant_id} in time")
            time.sleep(_POLL_S)


async def make_known(
    service: httpx.AsyncClient, bootstrap: str, topics: Topics, *tenant_ids: str
) -> None:
    """Publish each tenant's tenant.provisioned as intake would, and wait until ``service``
    (a client of a service under test, consuming ``topics``) knows them all."""
    events = [tenant_provisioned(tenant_id) for tenant_id in tenant_ids]
    await publish_in_order(bootstrap, topics.intake_tenants, *events)
    for tenant_id in tenant_ids:
        await until_known(service, tenant_id)
