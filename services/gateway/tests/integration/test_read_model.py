"""The gateway read model against real Kafka and MongoDB, with events out of order."""

from datetime import timedelta

import pytest

from services.gateway.bootstrap import create_app
from services.gateway.settings import GatewaySettings
from shared.events import TicketAssigned, TicketAssignedPayload
from shared.testing.apps import running
from shared.testing.builders import ticket_registered as registered
from shared.testing.kafka import publish_in_order
from shared.testing.waiting import eventually

pytestmark = pytest.mark.integration


@pytest.fixture
def settings(service_settings, issuer):
    return service_settings(GatewaySettings, oidc_issuer=issuer.url)


async def test_an_assignment_seen_before_its_registration_is_not_undone(
    settings, infra, mongo_client, issuer
):
    reg = registered("t-1")
    assigned = TicketAssigned(
        occurred_at=reg.occurred_at + timedelta(milliseconds=20),
        producer="dispatch",
        tenant_id="acme",
        ticket_id="t-1",
        payload=TicketAssignedPayload(assignee="li.wei", group="noc", reason="rule"),
    )
    topics = settings.topics
    async with running(create_app(settings)) as gateway:
        gateway.headers.update(issuer.headers("acme", ["dispatcher"]))

        async def view():
            response = await gateway.get("/tickets/t-1")
            return response.json() if response.status_code == 200 else {}

        await publish_in_order(infra.kafka_bootstrap, topics.dispatch_events, assigned, assigned)
        await eventually(view, lambda v: v.get("assignee") == "li.wei")
        await publish_in_order(infra.kafka_bootstrap, topics.intake_events, reg)
        final = await eventually(view, lambda v: "number" in v)
        by_status = await gateway.get("/tickets", params={"status": "assigned"})
        bad_filter = await gateway.get("/tickets", params={"status": "sleeping"})
    assert final["status"] == "assigned"
    assert final["number"] == "acme-t-1"
    assert [t["ticket_id"] for t in by_status.json()["items"]] == ["t-1"]
    assert bad_filter.status_code == 422
    assert bad_filter.json()["detail"][0]["field"] == "query.status.0"
    await mongo_client.drop_database(settings.mongo_db)
