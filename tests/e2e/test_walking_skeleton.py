"""Submission → registered → assigned → visible in the gateway, across real processes."""

import json

import httpx
from aiokafka import AIOKafkaProducer

from shared.events import Topics
from shared.testing.waiting import eventually


def submission(tenant: str, ref: str) -> dict[str, object]:
    return {
        "tenant_id": tenant,
        "source": "phone",
        "external_ref": ref,
        "type": "incident",
        "subject": "宽带无法上网",
        "contact": {"phone": "+8613800138000"},
        "urgency": 1,
        "impact": 2,
    }


async def sla_clocks(sla: httpx.AsyncClient, ticket_id: str) -> dict[str, dict[str, object]]:
    response = await sla.get(f"/tickets/{ticket_id}/sla")
    if response.status_code != 200:
        return {}
    return {clock["metric"]: clock for clock in response.json()["clocks"]}


async def gateway_ticket(gateway: httpx.AsyncClient, ticket_id: str) -> dict[str, object]:
    response = await gateway.get(f"/tickets/{ticket_id}")
    return response.json() if response.status_code == 200 else {}


async def test_an_http_submission_is_assigned_in_the_gateway_read_model(
    stack, namespace, signed_in
):
    async with (
        httpx.AsyncClient(base_url=stack["intake"]) as intake,
        httpx.AsyncClient(base_url=stack["gateway"], headers=signed_in) as gateway,
    ):
        created = await intake.post("/tickets", json=submission(namespace, "call-1"))
        assert created.status_code == 201, created.text
        ticket = created.json()
        view = await eventually(
            lambda: gateway_ticket(gateway, ticket["ticket_id"]),
            lambda v: v.get("status") == "assigned" and "number" in v,
        )
    assert view["number"] == ticket["number"]
    assert view["number"].startswith(f"{namespace}-")
    assert view["priority"] == "P2"
    assert (view["assignee"], view["group"]) == ("li.wei", "noc")


async def test_the_same_upstream_submission_twice_is_one_ticket(stack, namespace, signed_in):
    async with (
        httpx.AsyncClient(base_url=stack["intake"]) as intake,
        httpx.AsyncClient(base_url=stack["gateway"], headers=signed_in) as gateway,
    ):
        first = await intake.post("/tickets", json=submission(namespace, "call-2"))
        second = await intake.post("/tickets", json=submission(namespace, "call-2"))
        assert (first.status_code, second.status_code) == (201, 200)
        assert first.json()["ticket_id"] == second.json()["ticket_id"]
        # The assignment (dispatch's topic) may be projected before the registration
        # (intake's) that puts the ticket in lists: wait for the list itself.
        listed = await eventually(
            lambda: gateway.get("/tickets"),
            lambda r: any(t.get("status") == "assigned" for t in r.json()["items"]),
        )
    assert [t["ticket_id"] for t in listed.json()["items"]] == [first.json()["ticket_id"]]


async def test_a_submission_on_the_upstream_topic_is_registered_and_assigned(
    stack, stack_namespace, namespace, infra, signed_in
):
    producer = AIOKafkaProducer(bootstrap_servers=infra.kafka_bootstrap)
    await producer.start()
    try:
        topic = Topics(stack_namespace).upstream_submissions
        body = json.dumps(submission(namespace, "kafka-1")).encode()
        later = json.dumps(submission(namespace, "kafka-2")).encode()
        # Same key, same partition: once kafka-2 is in, the redelivered kafka-1 was handled.
        for value in (body, body, later):
            await producer.send_and_wait(topic, value, key=b"upstream-line-1")
    finally:
        await producer.stop()
    async with httpx.AsyncClient(base_url=stack["gateway"], headers=signed_in) as gateway:

        async def listed() -> list[dict[str, object]]:
            response = await gateway.get("/tickets")
            return list(response.json()["items"])

        # Registration and assignment reach the gateway on two topics, in either order.
        tickets = await eventually(
            listed,
            lambda ts: (
                len(ts) >= 2
                and all(t.get("status") == "assigned" and "external_ref" in t for t in ts)
            ),
        )
    assert sorted(t["external_ref"] for t in tickets) == ["kafka-1", "kafka-2"]


async def test_the_workflow_done_in_dispatch_shows_in_the_gateway(stack, namespace, signed_in):
    engineer = {"X-Actor-Id": "li.wei", "X-Actor-Role": "field_engineer"}
    async with (
        httpx.AsyncClient(base_url=stack["intake"]) as intake,
        httpx.AsyncClient(base_url=stack["dispatch"]) as dispatch,
        httpx.AsyncClient(base_url=stack["gateway"], headers=signed_in) as gateway,
    ):
        ticket = (await intake.post("/tickets", json=submission(namespace, "flow-1"))).json()
        tid = ticket["ticket_id"]
        await eventually(lambda: gateway_ticket(gateway, tid), lambda v: v.get("assignee"))
        for command, body in [
            ("accept", {}),
            ("start", {}),
            ("resolve", {"cause": "fibre cut", "solution": "spliced", "closure_code": "FIX"}),
        ]:
            response = await dispatch.post(
                f"/work-orders/{tid}/{command}", json=body, headers=engineer
            )
            assert response.status_code == 200, response.text
        refused = await dispatch.post(f"/work-orders/{tid}/start", json={}, headers=engineer)
        view = await eventually(
            lambda: gateway_ticket(gateway, tid), lambda v: v.get("status") == "resolved"
        )
        async with httpx.AsyncClient(base_url=stack["sla"]) as sla:
            timeline = await eventually(
                lambda: sla_clocks(sla, tid),
                lambda clocks: clocks.get("resolution", {}).get("state") == "stopped",
            )
    assert timeline["transfer"]["state"] == "stopped"  # stopped by the accept
    assert refused.status_code == 409
    assert "customer_reply" in refused.json()["detail"]["allowed"]
    assert view["resolution"]["cause"] == "fibre cut"
