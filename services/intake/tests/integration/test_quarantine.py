"""Quarantine of unknown contacts and release on verification, on the real servers."""

import json
from datetime import UTC, datetime
from uuid import uuid4

from shared.events import TicketRegistered
from shared.events.intake import TicketQuarantined, TicketReleased
from shared.testing.kafka import produce
from shared.testing.recorder import TopicRecorder
from shared.testing.waiting import eventually

PHONE = "+8613800000000"


def complaint(tenant: str, ref: str, phone: str = PHONE) -> dict[str, object]:
    return {
        "tenant_id": tenant,
        "source": "phone",
        "external_ref": ref,
        "type": "repair",
        "subject": "No water since the morning",
        "contact": {"phone": phone, "name": "Wang"},
    }


async def quarantine_on(intake, tenant: str) -> None:
    body = {"quarantine_unknown_contacts": True}
    response = await intake.put(f"/tenants/{tenant}/config", json=body)
    assert response.status_code == 200


async def test_an_invalid_mask_is_refused_when_configured(intake, namespace):
    response = await intake.put(f"/tenants/{namespace}/config", json={"number_mask": "{hh}"})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["detail"]] == ["number_mask"]
    config = (await intake.get(f"/tenants/{namespace}/config")).json()
    assert config["number_mask"] == "{tenant}-{yyyyMMdd}-{seq:6}"


async def test_quarantine_then_verify_releases_the_ticket(intake, infra, settings, namespace):
    await quarantine_on(intake, namespace)
    async with TopicRecorder(infra.kafka_bootstrap, settings.topics.intake_events) as events:
        held = (await intake.post("/tickets", json=complaint(namespace, "q-1"))).json()
        assert held["status"] == "quarantined"
        customer = await intake.post("/customers", json={"tenant_id": namespace, "phone": PHONE})
        customer_id = customer.json()["customer_id"]
        verified = await intake.post(f"/customers/{customer_id}/verify")
        received = await events.wait_for_count(3)
    assert verified.json()["released"] == [held["ticket_id"]]
    registered, quarantined, released = received
    assert isinstance(registered, TicketRegistered)
    assert registered.payload.status == "quarantined"
    assert isinstance(quarantined, TicketQuarantined)
    assert isinstance(released, TicketReleased)
    assert (released.ticket_id, released.payload.customer_id) == (held["ticket_id"], customer_id)
    assert (await intake.get(f"/tickets/{held['ticket_id']}")).json()["status"] == "new"


async def test_vouching_for_a_contact_verifies_the_entry_that_knows_it(intake, namespace):
    await quarantine_on(intake, namespace)
    held = (await intake.post("/tickets", json=complaint(namespace, "q-v"))).json()
    known = await intake.post("/customers", json={
        "tenant_id": namespace, "contact_id": "crm-9", "phone": PHONE, "email": "wang@example.cn",
    })  # fmt: skip
    customer_id = known.json()["customer_id"]

    vouched = await intake.post(
        f"/tenants/{namespace}/contacts/vouch", json={"contact_id": "crm-9", "phone": PHONE}
    )
    again = await intake.post(f"/tenants/{namespace}/contacts/vouch", json={"phone": PHONE})
    unknown = await intake.post(
        f"/tenants/{namespace}/contacts/vouch", json={"email": "new@example.cn"}
    )
    nobody = await intake.post("/tenants/nobody-here/contacts/vouch", json={"phone": PHONE})

    assert vouched.json() == {"customer_id": customer_id, "released": [held["ticket_id"]]}
    assert again.json() == {"customer_id": customer_id, "released": []}
    entry = (await intake.get(f"/customers/{customer_id}")).json()
    assert (entry["verified"], entry["email"]) == (True, "wang@example.cn")  # kept as it was
    assert unknown.status_code == 200
    created = (await intake.get(f"/customers/{unknown.json()['customer_id']}")).json()
    assert (created["email"], created["verified"]) == ("new@example.cn", True)
    assert nobody.status_code == 422
    assert (await intake.get(f"/tickets/{held['ticket_id']}")).json()["status"] == "new"


async def test_an_upstream_customer_verified_event_releases_too(intake, infra, settings, namespace):
    await quarantine_on(intake, namespace)
    held = (await intake.post("/tickets", json=complaint(namespace, "q-2"))).json()
    verified = {
        "event_type": "customer.verified",
        "event_id": str(uuid4()),
        "occurred_at": datetime.now(UTC).isoformat(),
        "producer": "crm",
        "tenant_id": namespace,
        "contact": {"phone": "+86 138 0000 0000", "contact_id": "crm-1"},
        "account_id": "acct-1",
    }
    other = {"event_type": "customer.merged", "event_id": str(uuid4())}
    topic = settings.topics.upstream_customers
    await produce(
        infra.kafka_bootstrap, topic, json.dumps(other).encode(), json.dumps(verified).encode()
    )
    ticket = await eventually(
        lambda: _json(intake.get(f"/tickets/{held['ticket_id']}")),
        lambda body: body["status"] == "new",
    )
    assert ticket["number"] == held["number"]


async def test_a_known_verified_contact_is_not_quarantined_and_brings_its_account(
    intake, namespace
):
    await quarantine_on(intake, namespace)
    imported = await intake.post(
        "/customers/import",
        json={
            "tenant_id": namespace,
            "accounts": [{"account_id": "acct-9", "name": "Block 9"}],
            "contacts": [{"phone": PHONE, "account_id": "acct-9", "verified": True}],
        },
    )
    assert imported.json() == {"accounts": 1, "contacts_created": 1, "contacts_updated": 0}
    ticket = (await intake.post("/tickets", json=complaint(namespace, "q-3"))).json()
    assert ticket["status"] == "new"
    assert ticket["submission"]["account_id"] == "acct-9"


async def _json(response):
    return (await response).json()
