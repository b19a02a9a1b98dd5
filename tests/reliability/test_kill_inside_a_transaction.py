"""kill -9 of a service while one of its transactions is open on the server, under load.

The killed process's transaction keeps its writes on the server until the server reaps it
(MongoDB's ``transactionLifetimeLimitSeconds``, 60 s, and the same in SecantusDB). The
restarted consumer gets write conflicts on the event that was in flight for that long; it
must hold the partition and retry, never dead-letter, and every event must have its effect
exactly once.
"""

import asyncio
import json
import time
from collections import defaultdict

import httpx
import pytest

from deploy.local.ports import free_port
from deploy.local.services import service_env
from shared.events import Topics, encode_event
from shared.events.dispatch import TicketAssigned
from shared.events.intake import TicketRegistered
from shared.testing.builders import ticket_registered
from shared.testing.kafka import topic_size
from shared.testing.recorder import TopicRecorder
from shared.testing.tenants import make_known, provision_tenant
from shared.testing.waiting import eventually
from tests.reliability.harness import TRANSIENT_RETRY, crash_inside_a_transaction, steady_load

pytestmark = pytest.mark.timeout(420)

EVENTS, RATE = 300, 100
# Armed after this many committed transactions (the set-up's count: dispatch learns its
# tenant and takes a routing rule, intake provisions its tenant), so that the kill lands
# mid-load: both commit the records of one poll per transaction, and a poll takes at most
# BATCH of them, so however fast the service drains the load it commits EVENTS / BATCH
# times at least.
DISPATCH_KILL_AFTER = INTAKE_KILL_AFTER = 4
BATCH = 20
ADMIN = {"X-Actor-Id": "root", "X-Actor-Role": "admin"}
# Long enough for the server to reap the killed process's transaction and then some.
RECOVERY_TIMEOUT_S = 240.0


def env_for(name, infra, namespace):
    return service_env(infra, free_port(), namespace, f"{namespace}_{name}") | {
        "TICKETFLOW_CONSUMER_SESSION_TIMEOUT_MS": "6000",
        "TICKETFLOW_OUTBOX_POLL_INTERVAL_S": "0.1",
        "TICKETFLOW_CONSUMER_BATCH_MAX_RECORDS": str(BATCH),
    }


async def distinct_events_per_ticket(recorder, event_class, expected):
    """Ticket id → the distinct ids of its ``event_class`` events, once all have arrived.

    The relay may publish an event twice (at least once); its id is what makes it one."""

    async def seen():
        by_ticket = defaultdict(set)
        for event in recorder.events():
            if isinstance(event, event_class):
                by_ticket[event.ticket_id].add(event.event_id)
        return by_ticket

    return await eventually(seen, lambda by_ticket: len(by_ticket) >= expected)


async def count(db, collection, query=None):
    return await db[collection].count_documents(query or {})


async def test_dispatch_killed_inside_a_transaction_assigns_every_ticket_once(
    infra, namespace, tmp_path, mongo_client
):
    topics = Topics(namespace)
    env = env_for("dispatch", infra, namespace)
    db = mongo_client[f"{namespace}_dispatch"]
    tickets = [f"tk-{i:04d}" for i in range(EVENTS)]
    load = [(t.encode(), encode_event(ticket_registered(t))) for t in tickets]
    try:
        async with (
            TopicRecorder(infra.kafka_bootstrap, topics.dispatch_events) as published,
            crash_inside_a_transaction("dispatch", env, tmp_path, DISPATCH_KILL_AFTER) as crash,
        ):
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{crash.port}") as client:
                await make_known(client, infra.kafka_bootstrap, topics, "acme")
                rule = {"order": 1, "assignee": "li.wei"}
                put = await client.put(
                    "/admin/tenants/acme/routing-rules/all", json=rule, headers=ADMIN
                )
                assert put.status_code == 200, put.text
            await asyncio.gather(
                steady_load(infra.kafka_bootstrap, topics.intake_events, load, RATE),
                crash.restart_after_the_kill(),
            )
            await eventually(
                lambda: count(db, "work_orders", {"status": "assigned"}),
                lambda n: n >= EVENTS,
                timeout=RECOVERY_TIMEOUT_S,
            )
            recovered_s = time.monotonic() - crash.killed_at
            assigned = await distinct_events_per_ticket(published, TicketAssigned, EVENTS)
            restarted_log = crash.restarted_log()
        print(f"dispatch: all {EVENTS} assigned {recovered_s:.1f}s after the kill")
        assert await count(db, "work_orders") == EVENTS
        assert await count(db, "processed_events", {"consumer": "dispatch"}) == EVENTS
        assert sorted(assigned) == tickets
        assert {len(ids) for ids in assigned.values()} == {1}  # one assignment effect each
        assert await topic_size(infra.kafka_bootstrap, f"{topics.intake_events}.dlq") == 0
        # The proof the kill left a transaction open: the restart had to wait it out.
        assert TRANSIENT_RETRY in restarted_log
        assert "dead-lettered" not in restarted_log
    finally:
        await mongo_client.drop_database(f"{namespace}_dispatch")


def submission(ref):
    return json.dumps(
        {
            "tenant_id": "acme",
            "source": "phone",
            "external_ref": ref,
            "type": "incident",
            "subject": "宽带无法上网",
            "contact": {"phone": "+8613800138000"},
            "urgency": 2,
            "impact": 2,
        }
    ).encode()


async def test_intake_killed_inside_a_transaction_registers_every_submission_once(
    infra, namespace, tmp_path, mongo_client
):
    topics = Topics(namespace)
    env = env_for("intake", infra, namespace)
    db = mongo_client[f"{namespace}_intake"]
    refs = [f"call-{i:04d}" for i in range(EVENTS)]
    load = [(ref.encode(), submission(ref)) for ref in refs]
    try:
        async with (
            TopicRecorder(infra.kafka_bootstrap, topics.intake_events) as published,
            crash_inside_a_transaction("intake", env, tmp_path, INTAKE_KILL_AFTER) as crash,
        ):
            await provision_tenant(f"http://127.0.0.1:{crash.port}", "acme")
            await asyncio.gather(
                steady_load(infra.kafka_bootstrap, topics.upstream_submissions, load, RATE),
                crash.restart_after_the_kill(),
            )
            await eventually(
                lambda: count(db, "tickets"), lambda n: n >= EVENTS, timeout=RECOVERY_TIMEOUT_S
            )
            recovered_s = time.monotonic() - crash.killed_at
            registered = await distinct_events_per_ticket(published, TicketRegistered, EVENTS)
            restarted_log = crash.restarted_log()
        print(f"intake: all {EVENTS} registered {recovered_s:.1f}s after the kill")
        stored = await db["tickets"].find({}, {"external_ref": 1, "number": 1}).to_list()
        assert sorted(t["external_ref"] for t in stored) == refs
        numbers = sorted(int(t["number"][-6:]) for t in stored)
        assert numbers == list(range(1, EVENTS + 1))  # gap-free: the killed one left no hole
        assert {len(ids) for ids in registered.values()} == {1}
        assert len(registered) == EVENTS
        assert await topic_size(infra.kafka_bootstrap, f"{topics.upstream_submissions}.dlq") == 0
        assert TRANSIENT_RETRY in restarted_log
        assert "dead-lettered" not in restarted_log
    finally:
        await mongo_client.drop_database(f"{namespace}_intake")
