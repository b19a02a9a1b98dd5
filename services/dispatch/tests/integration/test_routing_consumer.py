"""Dispatch against real Kafka and MongoDB: registered → assigned, redelivery has one effect."""

import pytest

from services.dispatch.bootstrap import create_app
from services.dispatch.domain.assignment import AssignmentRule
from services.dispatch.settings import DispatchSettings
from shared.events import TicketAssigned
from shared.events.vocabulary import TicketStatus, TicketType
from shared.testing.apps import running
from shared.testing.builders import ticket_registered as registered
from shared.testing.kafka import publish_in_order
from shared.testing.recorder import TopicRecorder

pytestmark = pytest.mark.integration


@pytest.fixture
def settings(infra, namespace):
    return DispatchSettings(
        kafka_bootstrap_servers=infra.kafka_bootstrap,
        mongo_url=infra.mongo_url,
        topic_namespace=namespace,
        mongo_db=f"{namespace}_dispatch",
        outbox_poll_interval_s=0.1,
        consumer_session_timeout_ms=6000,
        assignment_rules=(AssignmentRule(ticket_type="incident", assignee="li.wei", group="noc"),),
    )


async def test_a_redelivered_registration_is_assigned_once(settings, infra, mongo_client):
    first, second = registered("t-1"), registered("t-2", TicketType.REPAIR)
    quarantined = registered("t-3", status=TicketStatus.QUARANTINED)
    topics = settings.topics
    async with (
        running(create_app(settings)) as dispatch,
        TopicRecorder(infra.kafka_bootstrap, topics.dispatch_events) as out,
    ):
        await publish_in_order(
            infra.kafka_bootstrap, topics.intake_events, first, first, quarantined, second
        )
        events = await out.wait_for_count(2)
        response = await dispatch.get("/work-orders/t-1")
        held = await dispatch.get("/work-orders/t-3")
        missing = await dispatch.get("/work-orders/nope")
    assert all(isinstance(e, TicketAssigned) for e in events)
    assert sorted((e.ticket_id, e.payload.assignee) for e in events) == [
        ("t-1", "li.wei"),
        ("t-2", "dispatch-centre"),
    ]
    assert response.json()["status"] == "assigned"
    assert held.json()["status"] == "quarantined"
    assert missing.status_code == 404
    db = mongo_client[settings.mongo_db]
    assert await db.work_orders.count_documents({}) == 3
    assert await db.outbox.count_documents({}) == 2
    await mongo_client.drop_database(settings.mongo_db)
