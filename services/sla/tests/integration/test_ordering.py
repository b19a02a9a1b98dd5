"""A dispatch event that overtakes its registration (another topic) is parked, then applied."""

from datetime import timedelta

import pytest

from services.sla.tests.integration.helpers import configure_tiny_targets, emergency, serving
from shared.events.dispatch import TicketAccepted, TicketAcceptedPayload
from shared.testing.kafka import publish_in_order
from shared.testing.waiting import eventually

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("dropped_after")]


async def test_an_accept_seen_before_the_registration_still_stops_the_clock(
    settings, infra, mongo_client
):
    ticket = emergency("o-1")
    accept = TicketAccepted(
        occurred_at=ticket.occurred_at + timedelta(seconds=1), producer="dispatch",
        tenant_id=ticket.tenant_id, ticket_id="o-1", payload=TicketAcceptedPayload(assignee="li"),
    )  # fmt: skip
    pending = mongo_client[settings.mongo_db].pending_events
    async with serving(settings) as sla:
        await configure_tiny_targets(sla, response_seconds=600)
        await publish_in_order(infra.kafka_bootstrap, settings.topics.dispatch_events, accept)
        await eventually(lambda: pending.count_documents({"ticket_id": "o-1"}), lambda n: n == 1)
        await publish_in_order(infra.kafka_bootstrap, settings.topics.intake_events, ticket)
        response = await eventually(
            lambda: sla.get("/tickets/o-1/sla"), lambda r: r.status_code == 200
        )
    [clock] = response.json()["clocks"]
    assert clock["state"] == "stopped"
    assert clock["stop_reason"] == "accepted"
    assert clock["elapsed_seconds"] == 1
    assert await pending.count_documents({}) == 0  # the parked event and its guard are gone
