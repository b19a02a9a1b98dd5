"""申告 on the real servers: a repeat is linked and raised; a closed original is not repeated."""

from datetime import UTC, datetime

from shared.events.dispatch import TicketClosed, TicketClosedPayload
from shared.events.intake import TicketLinkedAsRepeat
from shared.testing.kafka import publish_in_order
from shared.testing.recorder import TopicRecorder
from shared.testing.waiting import eventually


def complaint(tenant: str, ref: str) -> dict[str, object]:
    return {
        "tenant_id": tenant,
        "source": "phone",
        "external_ref": ref,
        "type": "complaint",
        "service": "parcel",
        "subject": "Courier was rude",
        "contact": {"phone": "+8613800000000"},
        "urgency": 2,
        "impact": 2,
    }


async def test_a_repeat_complaint_is_linked_and_raised(intake, infra, settings, namespace):
    async with TopicRecorder(infra.kafka_bootstrap, settings.topics.intake_events) as events:
        first = (await intake.post("/tickets", json=complaint(namespace, "c-1"))).json()
        repeat = (await intake.post("/tickets", json=complaint(namespace, "c-2"))).json()
        received = await events.wait_for_count(3)
    assert (first["priority"], repeat["priority"]) == ("P3", "P2")
    assert repeat["repeat_of"] == first["ticket_id"]
    assert repeat["priority_basis"]["raised_as_repeat"]
    # The link follows the repeat's registration (one key); the original's registration is
    # another key, whose order beside them the topic does not define.
    [linked] = [e for e in received if isinstance(e, TicketLinkedAsRepeat)]
    assert linked.ticket_id == repeat["ticket_id"]
    assert linked.payload.original_ticket_id == first["ticket_id"]


async def test_a_complaint_after_dispatch_closed_the_original_is_new(
    intake, infra, settings, namespace
):
    first = (await intake.post("/tickets", json=complaint(namespace, "c-1"))).json()
    closed = TicketClosed(
        occurred_at=datetime.now(UTC),
        producer="dispatch",
        tenant_id=namespace,
        ticket_id=first["ticket_id"],
        payload=TicketClosedPayload(reason="confirmed"),
    )
    await publish_in_order(infra.kafka_bootstrap, settings.topics.dispatch_events, closed)
    await eventually(
        lambda: _json(intake.get(f"/tickets/{first['ticket_id']}")), lambda t: not t["open"]
    )
    later = (await intake.post("/tickets", json=complaint(namespace, "c-2"))).json()
    assert later["repeat_of"] is None
    assert later["priority"] == "P3"


async def _json(response):
    return (await response).json()
