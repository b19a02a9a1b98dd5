"""Intake against real Kafka and MongoDB: HTTP and upstream-topic registration."""

import asyncio
import json

import pytest
from aiokafka import AIOKafkaProducer

from shared.events import SubmissionRejected, TicketRegistered
from shared.testing.kafka import produce
from shared.testing.recorder import TopicRecorder


def submission(tenant: str, ref: str, **overrides) -> dict[str, object]:
    return {
        "tenant_id": tenant,
        "source": "web",
        "external_ref": ref,
        "type": "repair",
        "subject": "Water leak in the basement",
        "account_id": "acct-7",
    } | overrides


async def test_bad_input_is_a_422_naming_the_field_and_stores_nothing(
    intake, settings, namespace, mongo_client
):
    response = await intake.post("/tickets", json=submission(namespace, "r1", urgency=9))
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"field": "urgency", "reason": "Input should be less than or equal to 3"}
    ]
    db = mongo_client[settings.mongo_db]
    assert await db.tickets.count_documents({}) == 0
    assert await db.outbox.count_documents({"topic": settings.topics.intake_events}) == 0


async def test_concurrent_submissions_get_distinct_gap_free_numbers(intake, namespace):
    responses = await asyncio.gather(
        *(intake.post("/tickets", json=submission(namespace, f"r{i}")) for i in range(200))
    )
    assert {r.status_code for r in responses} == {201}
    sequence = sorted(int(r.json()["number"][-6:]) for r in responses)
    assert sequence == list(range(1, 201))


async def test_registration_is_published_once_per_ticket(intake, infra, settings, namespace):
    async with TopicRecorder(infra.kafka_bootstrap, settings.topics.intake_events) as topic:
        first = await intake.post("/tickets", json=submission(namespace, "r1"))
        again = await intake.post("/tickets", json=submission(namespace, "r1"))
        other = await intake.post("/tickets", json=submission(namespace, "r2"))
        events = await topic.wait_for_count(2)
    assert (first.status_code, again.status_code, other.status_code) == (201, 200, 201)
    assert [type(e) for e in events] == [TicketRegistered, TicketRegistered]
    assert {e.ticket_id for e in events} == {first.json()["ticket_id"], other.json()["ticket_id"]}


async def test_a_malformed_upstream_message_is_rejected_and_the_consumer_goes_on(
    intake, infra, settings, namespace
):
    producer = AIOKafkaProducer(bootstrap_servers=infra.kafka_bootstrap)
    await producer.start()
    topic = settings.topics.upstream_submissions
    async with TopicRecorder(infra.kafka_bootstrap, settings.topics.intake_events) as events:
        try:
            bad = submission(namespace, "bad-1", type="praise")
            for value in (json.dumps(bad).encode(), b"\xff not json", submission_bytes(namespace)):
                await producer.send_and_wait(topic, value, key=b"line-1")
        finally:
            await producer.stop()
        received = await events.wait_for_count(3)
    # Events of different tickets have no order between them (the outbox relays per key).
    [registered] = [e for e in received if isinstance(e, TicketRegistered)]
    rejected, garbage = sorted(
        (e for e in received if isinstance(e, SubmissionRejected)),
        key=lambda e: e.payload.external_ref is None,
    )
    assert isinstance(rejected, SubmissionRejected)
    assert rejected.payload.external_ref == "bad-1"
    assert [e.field for e in rejected.payload.errors] == ["type"]
    assert isinstance(garbage, SubmissionRejected)
    assert garbage.payload.errors[0].field == "body"
    assert isinstance(registered, TicketRegistered)
    assert registered.payload.external_ref == "good-1"


def submission_bytes(namespace: str) -> bytes:
    return json.dumps(submission(namespace, "good-1")).encode()


async def test_a_duplicate_upstream_submission_makes_one_ticket(
    intake, infra, settings, namespace, mongo_client
):
    body = json.dumps(submission(namespace, "dup-1")).encode()
    marker = json.dumps(submission(namespace, "after-dup")).encode()
    topic = settings.topics.upstream_submissions
    async with TopicRecorder(infra.kafka_bootstrap, settings.topics.intake_events) as events:
        await produce(infra.kafka_bootstrap, topic, body, body, marker, key=b"line-1")
        received = await events.wait_for_count(2)
    assert sorted(e.payload.external_ref for e in received) == ["after-dup", "dup-1"]
    tickets = mongo_client[settings.mongo_db].tickets
    assert await tickets.count_documents({"external_ref": "dup-1"}) == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"urgency": True}, "urgency"),
        ({"impact": "2"}, "impact"),
        ({"needs_onsite": "yes"}, "needs_onsite"),
        ({"subject": "   "}, "subject"),
        ({"subject": "leak\x07"}, "subject"),
        ({"description": "see\x00attached"}, "description"),
        ({"location": {"lon": True, "lat": 31.2}}, "location.lon"),
        ({"external_ref": " r-9 "}, "external_ref"),
        ({"tags": [""]}, "tags.0"),
        ({"contact": {"phone": "0000"}}, "contact.phone"),
        ({"contact": {"email": "a@b"}}, "contact.email"),
        ({"tenant_id": "nobody-provisioned-this"}, "tenant_id"),
        ({"related_to": "no-such-ticket"}, "related_to"),
    ],
    ids=repr,
)
async def test_loose_input_is_a_422_naming_the_field_and_stores_nothing(
    intake, settings, namespace, mongo_client, overrides, field
):
    response = await intake.post("/tickets", json=submission(namespace, "r-9", **overrides))
    assert response.status_code == 422
    assert [d["field"] for d in response.json()["detail"]] == [field]
    assert await mongo_client[settings.mongo_db].tickets.count_documents({}) == 0


async def test_text_is_trimmed_and_free_text_keeps_its_lines(intake, namespace):
    body = submission(namespace, "r-10", subject="  Leak  ", description="first\n\tsecond")
    created = (await intake.post("/tickets", json=body)).json()
    stored = (await intake.get(f"/tickets/{created['ticket_id']}")).json()
    assert created["ticket_id"] == stored["ticket_id"]
    assert stored["submission"]["subject"] == "Leak"
    assert stored["submission"]["description"] == "first\n\tsecond"


async def test_a_loose_upstream_submission_is_rejected_with_its_field(
    intake, infra, settings, namespace
):
    loose = json.dumps(submission(namespace, "loose-1", urgency=True)).encode()
    async with TopicRecorder(infra.kafka_bootstrap, settings.topics.intake_events) as events:
        await produce(infra.kafka_bootstrap, settings.topics.upstream_submissions, loose)
        [rejected] = await events.wait_for_count(1)
    assert isinstance(rejected, SubmissionRejected)
    assert [e.field for e in rejected.payload.errors] == ["urgency"]


async def test_an_upstream_submission_of_an_unknown_tenant_is_rejected_with_the_reason(
    intake, infra, settings, namespace, mongo_client
):
    ghost = json.dumps(submission("ghost-tenant", "g-1")).encode()
    after = json.dumps(submission(namespace, "after-ghost")).encode()
    topic = settings.topics.upstream_submissions
    async with TopicRecorder(infra.kafka_bootstrap, settings.topics.intake_events) as events:
        await produce(infra.kafka_bootstrap, topic, ghost, after, key=b"line-1")
        received = await events.wait_for_count(2)
    [rejected] = [e for e in received if isinstance(e, SubmissionRejected)]
    [registered] = [e for e in received if isinstance(e, TicketRegistered)]
    assert (rejected.tenant_id, rejected.payload.external_ref) == ("ghost-tenant", "g-1")
    assert [e.field for e in rejected.payload.errors] == ["tenant_id"]
    assert registered.payload.external_ref == "after-ghost"
    assert await mongo_client[settings.mongo_db].tickets.count_documents({}) == 1


async def test_a_follow_up_names_an_existing_ticket(intake, namespace):
    original = (await intake.post("/tickets", json=submission(namespace, "o-1"))).json()
    body = submission(namespace, "o-2", related_to=original["ticket_id"])
    follow_up = await intake.post("/tickets", json=body)
    assert follow_up.status_code == 201
    assert follow_up.json()["submission"]["related_to"] == original["ticket_id"]


async def test_the_tenant_registry_is_an_admin_api(intake, namespace):
    assert (await intake.get(f"/tenants/{namespace}")).json()["name"] == "Test tenant"
    renamed = await intake.put(f"/tenants/{namespace}", json={"name": "Почта"})
    assert (renamed.status_code, renamed.json()["name"]) == (200, "Почта")
    assert namespace in [t["tenant_id"] for t in (await intake.get("/tenants")).json()]
    assert (await intake.get("/tenants/never-provisioned")).status_code == 404
    assert (await intake.get("/tenants/never-provisioned/config")).status_code == 404
    blank = await intake.put("/tenants/x", json={"name": "  "})
    assert [d["field"] for d in blank.json()["detail"]] == ["name"]
    unknown = await intake.put("/tenants/never-provisioned/config", json={})
    assert unknown.status_code == 404


async def test_every_provisioning_is_announced_to_the_other_services(
    intake, settings, infra, namespace
):
    async with TopicRecorder(infra.kafka_bootstrap, settings.topics.intake_tenants) as tenants:
        renamed = await intake.put(f"/tenants/{namespace}", json={"name": "Почта"})
        refused = await intake.put(f"/tenants/{namespace}", json={"name": ""})
        announced = await tenants.wait_for_count(2)
    assert (renamed.status_code, refused.status_code) == (200, 422)
    assert [(e.event_type, e.tenant_id, e.key, e.payload.name) for e in announced] == [
        ("tenant.provisioned", namespace, namespace.encode(), "Test tenant"),
        ("tenant.provisioned", namespace, namespace.encode(), "Почта"),
    ]
