"""A poison message on every topic a service consumes: each consumer dead-letters it at once
and goes on with the next message."""

import httpx

from deploy.local.infra import Endpoints
from shared.events import Topics
from shared.testing.kafka import produce
from shared.testing.waiting import eventually
from tests.e2e.test_walking_skeleton import gateway_ticket, sla_clocks, submission

ADMIN = {"X-Actor-Id": "ops", "X-Actor-Role": "admin"}


async def poisoned_sources(
    stack: dict[str, str], marker: str, topics: Topics
) -> dict[str, set[str]]:
    """Per service, the topics from which it dead-lettered a message carrying ``marker``."""
    found: dict[str, set[str]] = {}
    for name, url in stack.items():
        async with httpx.AsyncClient(base_url=url, timeout=30) as client:
            letters = (await client.get("/admin/dead-letters", headers=ADMIN)).json()
        found[name] = {
            letter["source"].rsplit("/", 2)[0].removeprefix(f"{topics.namespace}.")
            for letter in letters
            if marker in letter["value"]
        }
    return found


async def test_a_poison_message_on_every_consumed_topic_is_dead_lettered_and_all_go_on(
    stack: dict[str, str], stack_namespace: str, infra: Endpoints, namespace: str, signed_in
) -> None:
    topics = Topics(stack_namespace)
    marker = f"poison-{namespace}"
    poison = b"\xff\xfe not an event " + marker.encode()
    for topic in (
        topics.intake_events,
        topics.dispatch_events,
        topics.sla_events,
        topics.qc_events,
    ):
        await produce(infra.kafka_bootstrap, topic, poison, key=marker.encode())
    expected = {
        "intake": {"dispatch.events"},
        "dispatch": {"intake.events", "sla.events"},
        "sla": {"intake.events", "dispatch.events", "qc.events"},
        "qc": {"intake.events", "dispatch.events", "sla.events"},
        "notify": {"intake.events", "dispatch.events", "sla.events", "qc.events"},
        "gateway": {"intake.events", "dispatch.events", "sla.events", "qc.events"},
    }
    found = await eventually(
        lambda: poisoned_sources(stack, marker, topics), lambda f: f == expected, timeout=90
    )
    assert found == expected
    async with (
        httpx.AsyncClient(base_url=stack["intake"]) as intake,
        httpx.AsyncClient(base_url=stack["gateway"], headers=signed_in) as gateway,
        httpx.AsyncClient(base_url=stack["sla"]) as sla,
    ):
        created = await intake.post("/tickets", json=submission(namespace, "after-poison"))
        ticket_id = created.json()["ticket_id"]
        view = await eventually(
            lambda: gateway_ticket(gateway, ticket_id), lambda v: v.get("status") == "assigned"
        )
        clocks = await eventually(lambda: sla_clocks(sla, ticket_id), lambda c: len(c) >= 1)
    assert view["assignee"] == "li.wei"
    assert clocks
