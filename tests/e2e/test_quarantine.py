"""Quarantine across services: an unknown caller's ticket waits, verification dispatches it."""

import httpx

from shared.testing.waiting import eventually
from tests.e2e.test_walking_skeleton import gateway_ticket, submission


async def test_a_verified_customers_quarantined_ticket_is_released_and_assigned(
    stack, namespace, signed_in
):
    async with (
        httpx.AsyncClient(base_url=stack["intake"]) as intake,
        httpx.AsyncClient(base_url=stack["gateway"], headers=signed_in) as gateway,
    ):
        config = await intake.put(
            f"/tenants/{namespace}/config", json={"quarantine_unknown_contacts": True}
        )
        assert config.status_code == 200, config.text
        ticket = (await intake.post("/tickets", json=submission(namespace, "q-1"))).json()
        assert ticket["status"] == "quarantined"
        tid = ticket["ticket_id"]
        held = await eventually(lambda: gateway_ticket(gateway, tid), lambda v: "status" in v)
        customer = await intake.post(
            "/customers", json={"tenant_id": namespace, "phone": "+8613800138000"}
        )
        assert customer.status_code == 201, customer.text
        verified = await intake.post(f"/customers/{customer.json()['customer_id']}/verify")
        assert verified.status_code == 200, verified.text
        view = await eventually(
            lambda: gateway_ticket(gateway, tid), lambda v: v.get("status") == "assigned"
        )
    assert held["status"] == "quarantined"
    assert view["assignee"] == "li.wei"
