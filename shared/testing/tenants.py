"""Provisioning a tenant through intake's admin API, as an operator would."""

import httpx


async def provision_tenant(intake_url: str, tenant_id: str, name: str = "Test tenant") -> None:
    async with httpx.AsyncClient(base_url=intake_url, timeout=30.0) as client:
        response = await client.put(f"/tenants/{tenant_id}", json={"name": name})
    assert response.status_code in (200, 201), response.text
