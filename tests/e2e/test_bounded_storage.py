"""Under a flow of tickets, each service stores one document per ticket where the ticket is
its data, bookkeeping (outbox, processed events) expires by TTL, and nothing else grows."""

import httpx

from shared.outbox.relay import OUTBOX_SHARDS
from shared.testing.waiting import eventually
from tests.e2e.test_walking_skeleton import submission

TICKETS = 12
SERVICES = ("intake", "dispatch", "sla", "qc", "notify", "gateway")
ONE_PER_TICKET = {
    "intake.tickets", "dispatch.work_orders", "sla.ticket_slas", "qc.cases", "notify.tickets",
    "gateway.tickets",
}  # fmt: skip
# Lease collections hold one document per shard or replica, whatever the traffic.
LEASES = ("relay_shards", "relay_members", "timer_shards", "scheduler_members")


async def sizes(mongo_client, stack_namespace):
    found = {}
    for name in SERVICES:
        db = mongo_client[f"{stack_namespace}_{name}"]
        for collection in await db.list_collection_names():
            found[f"{name}.{collection}"] = await db[collection].count_documents({})
    return found


async def expiring(mongo_client, stack_namespace, names):
    """The collections among ``names`` that have a TTL index."""
    ttl = set()
    for qualified in names:
        service, collection = qualified.split(".", 1)
        indexes = await mongo_client[f"{stack_namespace}_{service}"][collection].index_information()
        if any("expireAfterSeconds" in spec for spec in indexes.values()):
            ttl.add(qualified)
    return ttl


async def register_and_settle(stack, namespace, signed_in):
    async with (
        httpx.AsyncClient(base_url=stack["intake"]) as intake,
        httpx.AsyncClient(base_url=stack["gateway"], headers=signed_in) as gateway,
        httpx.AsyncClient(base_url=stack["sla"]) as sla,
    ):
        ids = []
        for i in range(TICKETS):
            created = await intake.post("/tickets", json=submission(namespace, f"bound-{i}"))
            assert created.status_code == 201, created.text
            ids.append(created.json()["ticket_id"])

        async def settled():
            listed = await gateway.get("/tickets", params={"limit": 100})
            clocks = [(await sla.get(f"/tickets/{t}/sla")).status_code for t in ids]
            return [t["status"] for t in listed.json()["items"]], clocks

        await eventually(settled, lambda s: s == (["assigned"] * TICKETS, [200] * TICKETS))


async def test_bookkeeping_expires_and_nothing_else_grows_per_event(
    stack, stack_namespace, namespace, mongo_client, signed_in
):
    before = await sizes(mongo_client, stack_namespace)
    await register_and_settle(stack, namespace, signed_in)
    after = await sizes(mongo_client, stack_namespace)
    grown = {name: after[name] - before.get(name, 0) for name in after}
    ttl = await expiring(mongo_client, stack_namespace, grown)
    assert {name for name in ONE_PER_TICKET if grown[name] == TICKETS} == ONE_PER_TICKET
    assert {"intake.outbox", "dispatch.outbox", "intake.processed_events",
            "notify.deliveries"} <= ttl  # fmt: skip
    leases = {name for name in grown if name.endswith(LEASES)}
    assert all(after[name] <= OUTBOX_SHARDS for name in leases)
    known = ONE_PER_TICKET | ttl | leases
    unbounded = {name: n for name, n in grown.items() if name not in known and n > 1}
    assert unbounded == {}  # e.g. a guard or parked document left behind per ticket
