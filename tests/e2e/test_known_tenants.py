"""Only intake provisions tenants: dispatch, SLA, QC and notify refuse the configuration of
a tenant intake never announced (404, nothing stored), take it once intake has provisioned
the tenant, and change nothing when the announcement is delivered again."""

from typing import Any

import httpx

from shared.events import Topics
from shared.testing.builders import tenant_provisioned
from shared.testing.kafka import publish_in_order
from shared.testing.tenants import provision_tenant, until_known
from tests.support.stack import KNOWING_TENANTS, knowing_tenants

ADMIN = {"X-Actor-Id": "root", "X-Actor-Role": "admin"}
# One admin write of each service that keeps known tenants: (method, path, body).
WRITES: dict[str, tuple[str, str, dict[str, Any]]] = {
    "dispatch": ("PUT", "/admin/tenants/{tenant}/groups/noc", {"name": "NOC"}),
    "sla": ("PUT", "/tenants/{tenant}/settings", {"approval_time_counts": False}),
    "qc": ("PUT", "/tenants/{tenant}/units/noc", {"name": "NOC", "members": ["li.wei"]}),
    "notify": ("PUT", "/tenants/{tenant}/notify-settings", {"language": "en"}),
}


async def write(stack: dict[str, str], service: str, tenant: str) -> httpx.Response:
    method, path, body = WRITES[service]
    async with httpx.AsyncClient(base_url=stack[service], timeout=30) as client:
        return await client.request(method, path.format(tenant=tenant), json=body, headers=ADMIN)


async def stored_of(mongo_client: Any, stack_namespace: str, service: str, tenant: str) -> int:
    """Documents of ``tenant`` in any of the service's collections but its known tenants."""
    db = mongo_client[f"{stack_namespace}_{service}"]
    mine = {"$or": [{"tenant_id": tenant}, {"_id": tenant}]}
    counts = [
        await db[name].count_documents(mine)
        for name in await db.list_collection_names()
        if name != "known_tenants"
    ]
    return sum(counts)


async def test_an_unprovisioned_tenant_is_refused_everywhere_until_intake_provisions_it(
    stack, stack_namespace, namespace, mongo_client
):
    tenant = f"{namespace}-late"

    refused = {name: await write(stack, name, tenant) for name in KNOWING_TENANTS}
    stored = {name: await stored_of(mongo_client, stack_namespace, name, tenant) for name in WRITES}
    await provision_tenant(stack["intake"], tenant, known_by=knowing_tenants(stack))
    accepted = {name: await write(stack, name, tenant) for name in KNOWING_TENANTS}

    assert {name: r.status_code for name, r in refused.items()} == dict.fromkeys(WRITES, 404)
    assert all(
        f"tenant {tenant} is not provisioned" in r.json()["detail"]["message"]
        for r in refused.values()
    )
    assert stored == dict.fromkeys(WRITES, 0)
    assert {name: r.status_code for name, r in accepted.items()} == dict.fromkeys(WRITES, 200)


async def test_a_redelivered_provisioning_changes_nothing(
    stack, stack_namespace, namespace, infra, mongo_client
):
    tenant, marker = f"{namespace}-twice", f"{namespace}-marker"
    provisioning = tenant_provisioned(tenant, "Twice Ltd")
    topic = Topics(stack_namespace).intake_tenants
    # One partition, in order: once the marker is known, both deliveries were handled.
    await publish_in_order(
        infra.kafka_bootstrap, topic, provisioning, provisioning, tenant_provisioned(marker)
    )
    for url in knowing_tenants(stack):
        async with httpx.AsyncClient(base_url=url, timeout=30) as service:
            await until_known(service, marker)
            known = (await service.get(f"/known-tenants/{tenant}")).json()
        assert known == {"tenant_id": tenant, "name": "Twice Ltd"}
    for name in KNOWING_TENANTS:
        db = mongo_client[f"{stack_namespace}_{name}"]
        handled = {"consumer": f"{name}.tenants", "event_id": str(provisioning.event_id)}
        assert await db.processed_events.count_documents(handled) == 1, name
        assert await db.known_tenants.count_documents({"_id": tenant}) == 1, name
