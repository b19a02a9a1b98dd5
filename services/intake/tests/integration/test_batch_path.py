"""Intake's batch path on the real servers: a polled batch of upstream submissions is
prepared in a few queries, registered one by one inside its shared transaction, and its
tickets written together at the end, with the same results as one by one."""

import asyncio
import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pymongo import AsyncMongoClient, monitoring

from services.intake.adapters.attachments import GridFsBlobs
from services.intake.adapters.mongo import IntakeMongoUnitOfWork
from services.intake.app.context import IntakeContext
from services.intake.app.handlers import Numbering
from services.intake.entrypoints.kafka import SubmissionConsumer
from shared.clock import FakeClock, SystemClock
from shared.kafka.batches import BatchDelivery
from shared.kafka.delivery import InboundMessage, ReliableDelivery, RetryPolicy
from shared.mongo.unit_of_work import TransactionScope
from shared.testing.kafka import produce
from shared.testing.waiting import eventually

POLICY = RetryPolicy(max_attempts=2, initial_backoff_s=0.01, max_backoff_s=0.05)


class Commands(monitoring.CommandListener):
    """Every command the client sends: a round trip each."""

    def __init__(self) -> None:
        self.sent: Counter[str] = Counter()

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        self.sent[event.command_name] += 1

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        return None

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        return None


class Sink:
    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    async def send(self, message, error, attempts):
        self.sent.append(json.loads(message.value))


class Poisoned:
    """The consumer, except that one submission's handling always fails (a bug)."""

    def __init__(self, consumer: SubmissionConsumer, external_ref: str) -> None:
        self._consumer, self._ref = consumer, external_ref

    async def prepare(self, messages):
        await self._consumer.prepare(messages)

    async def __call__(self, message):
        if json.loads(message.value)["external_ref"] == self._ref:
            raise RuntimeError("a bug on this one")
        await self._consumer(message)


@pytest.fixture
async def monitored(infra):
    commands = Commands()
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
        infra.mongo_url, tz_aware=True, uuidRepresentation="standard", event_listeners=[commands]
    )
    yield client, commands
    await client.close()


@pytest.fixture
async def other_tenant(intake, namespace):
    tenant = f"{namespace}-b"
    response = await intake.put(f"/tenants/{tenant}", json={"name": "Other tenant"})
    assert response.status_code == 201, response.text
    return tenant


class Wiring:
    """Intake's submission consumer as the broker wires it, on the given client."""

    def __init__(self, client, settings, handler=None, clock=None) -> None:
        clock, db = clock or SystemClock(), client[settings.mongo_db]
        scope = TransactionScope(client, db, clock)
        new_uow = partial(IntakeMongoUnitOfWork, client, db, settings.topics, clock, scope=scope)
        ctx = IntakeContext(new_uow, Numbering(ZoneInfo("Asia/Shanghai")), GridFsBlobs(db))
        self.consumer = SubmissionConsumer(ctx)
        handler = handler(self.consumer) if handler else self.consumer
        self.sink = Sink()
        self.single = ReliableDelivery(handler, POLICY, self.sink)
        self.batch = BatchDelivery(handler, scope, self.single, POLICY)


def submission(tenant: str, ref: str, **overrides: Any) -> dict[str, Any]:
    return {
        "tenant_id": tenant,
        "source": "upstream",
        "external_ref": ref,
        "type": "repair",
        "subject": f"Line down at {ref}",
        "contact": {"phone": f"+86138{abs(hash(ref)) % 10**8:08d}"},
    } | overrides


def messages(*submissions: dict[str, Any]) -> list[InboundMessage]:
    return [
        InboundMessage("upstream", 0, i, s["external_ref"].encode(), json.dumps(s).encode())
        for i, s in enumerate(submissions)
    ]


async def tickets_of(db, tenant: str) -> list[dict[str, Any]]:
    return await db.tickets.find({"tenant_id": tenant}).sort("number", 1).to_list()


def sequence(tickets: list[dict[str, Any]]) -> list[int]:
    return sorted(int(t["number"][-6:]) for t in tickets)


async def counters(db) -> dict[str, int]:
    return {d["_id"].split("|")[0]: d["value"] async for d in db.number_counters.find({})}


async def test_a_batch_registers_each_submission_once_with_gap_free_numbers_in_few_round_trips(
    intake, settings, namespace, other_tenant, monitored, mongo_client
):
    client, commands = monitored
    db = mongo_client[settings.mongo_db]
    for ref in ("old-1", "old-2", "old-3"):
        assert (await intake.post("/tickets", json=submission(namespace, ref))).status_code == 201
    batch = [
        submission(tenant, f"r{i}")
        for i in range(40)
        for tenant in ((namespace,) if i % 2 else (namespace, other_tenant))
    ]
    resubmitted = [submission(namespace, "old-2"), submission(namespace, "r1", subject="again")]
    batch[10:10] = [batch[0], *resubmitted]  # twice in the batch, and registered before
    commands.sent.clear()
    await Wiring(client, settings).batch(messages(*batch))

    mine, theirs = await tickets_of(db, namespace), await tickets_of(db, other_tenant)
    refs = Counter((t["tenant_id"], t["external_ref"]) for t in mine + theirs)
    assert refs.most_common(1)[0][1] == 1
    assert (len(mine), len(theirs)) == (3 + 40, 20)
    assert sequence(mine) == list(range(1, 44))
    assert sequence(theirs) == list(range(1, 21))
    assert await counters(db) == {namespace: 43, other_tenant: 20}
    again = next(t for t in mine if t["external_ref"] == "r1")
    assert again["submission"]["subject"] == "Line down at r1"
    registered = await db.outbox.count_documents({"headers.event_type": "ticket.registered"})
    assert registered == 3 + 60
    # 63 submissions, two tenants: a handful of round trips, not six per submission.
    sent = commands.sent
    # The tenants; per tenant its external references and its customers; the outbox's order.
    assert sent["find"] <= 1 + 2 + 2 + 1, sent
    assert sent["findAndModify"] <= 2, sent  # one reservation per counter
    assert sent["insert"] <= 2, sent  # the tickets, the outbox
    assert sum(sent.values()) <= 15, sent


async def test_a_redelivered_batch_changes_nothing(
    intake, settings, namespace, monitored, mongo_client
):
    client, _ = monitored
    db = mongo_client[settings.mongo_db]
    batch = messages(*(submission(namespace, f"r{i}") for i in range(30)))
    await Wiring(client, settings).batch(batch)
    before = await tickets_of(db, namespace)
    await Wiring(client, settings).batch(batch)
    assert await tickets_of(db, namespace) == before
    assert sequence(before) == list(range(1, 31))
    assert await counters(db) == {namespace: 30}  # the reserved numbers were given back
    assert await db.outbox.count_documents({"topic": settings.topics.intake_events}) == 30


async def test_one_poison_and_one_refused_submission_leave_the_others_committed_gap_free(
    intake, settings, namespace, monitored, mongo_client
):
    client, _ = monitored
    db = mongo_client[settings.mongo_db]
    batch = [submission(namespace, f"r{i}") for i in range(20)]
    batch[5] = submission(namespace, "refused", related_to="no-such-ticket")
    batch[13] = submission(namespace, "poison")
    wiring = Wiring(client, settings, handler=partial(Poisoned, external_ref="poison"))
    await wiring.batch(messages(*batch))

    tickets = await tickets_of(db, namespace)
    assert sorted(t["external_ref"] for t in tickets) == sorted(
        s["external_ref"] for s in batch if s["external_ref"] not in {"refused", "poison"}
    )
    assert sequence(tickets) == list(range(1, 19))
    assert await counters(db) == {namespace: 18}
    assert [s["external_ref"] for s in wiring.sink.sent] == ["poison"]
    rejected = await db.outbox.find({"headers.event_type": "submission.rejected"}).to_list()
    assert [r["key"] for r in rejected] == [b"rejected:upstream:refused"]


def complaint(tenant: str, ref: str, phone: str) -> dict[str, Any]:
    return submission(tenant, ref, type="complaint", service="parcel", contact={"phone": phone})


async def registered(intake, tenant: str, ref: str, phone: str) -> None:
    response = await intake.post("/tickets", json=complaint(tenant, ref, phone) | {"source": "web"})
    assert response.status_code == 201, response.text


async def prepared_tenant(intake, tenant: str) -> None:
    """A verified customer with an account, and an open complaint from before the batch."""
    customer = {"tenant_id": tenant, "phone": "+8613900000001", "account_id": "acct-9"}
    response = await intake.post("/customers", json=customer | {"verified": True})
    assert response.status_code == 201, response.text
    await registered(intake, tenant, "earlier", "+8613900000002")


def outcome(tickets: list[dict[str, Any]]) -> dict[str, tuple[Any, ...]]:
    """What registration decided for each ticket, by external reference."""
    ref_of = {t["_id"]: t["external_ref"] for t in tickets}
    return {
        t["external_ref"]: (
            ref_of.get(t["repeat_of"]),
            t["priority"],
            t["submission"].get("account_id"),
            t["status"],
            t["number"][-6:],
        )
        for t in tickets
    }


async def test_a_batch_decides_repeats_and_contacts_exactly_as_one_by_one(
    intake, settings, namespace, other_tenant, monitored, mongo_client
):
    client, _ = monitored
    db = mongo_client[settings.mongo_db]
    for tenant in (namespace, other_tenant):
        await prepared_tenant(intake, tenant)

    def batch_for(tenant: str) -> list[InboundMessage]:
        return messages(
            complaint(tenant, "c1", "+8613900000001"),  # the verified customer
            complaint(tenant, "c2", "+8613900000001"),  # repeats c1, registered just before
            complaint(tenant, "c3", "+8613900000002"),  # repeats the earlier one
            complaint(tenant, "c1", "+8613900000001"),  # c1 again: nothing new
            complaint(tenant, "c4", "+8613900000003"),
            complaint(tenant, "c5", "+8613900000003"),  # repeats c4
        )

    wiring = Wiring(client, settings)
    await wiring.batch(batch_for(namespace))
    for message in batch_for(other_tenant):
        await wiring.single(message)  # one by one, each in its own transaction

    in_batch = outcome(await tickets_of(db, namespace))
    one_by_one = outcome(await tickets_of(db, other_tenant))
    assert in_batch == one_by_one
    originals = {ref: decided[0] for ref, decided in in_batch.items()}
    assert originals == {
        "earlier": None,
        "c1": None,
        "c2": "c1",
        "c3": "earlier",
        "c4": None,
        "c5": "c4",
    }
    assert in_batch["c1"][2] == "acct-9"


class MidnightAfterPreparing:
    """The consumer, with midnight in Shanghai passing between the batch's preparation and
    its registrations."""

    def __init__(self, consumer: SubmissionConsumer, clock: FakeClock) -> None:
        self._consumer, self._clock = consumer, clock

    async def prepare(self, messages):
        await self._consumer.prepare(messages)
        self._clock.advance(timedelta(seconds=1))

    async def __call__(self, message):
        await self._consumer(message)


async def test_a_batch_prepared_before_midnight_numbers_from_the_new_days_counter(
    intake, settings, namespace, monitored, mongo_client
):
    client, _ = monitored
    db = mongo_client[settings.mongo_db]
    clock = FakeClock(datetime(2026, 3, 7, 15, 59, 59, 500000, tzinfo=UTC))
    handler = partial(MidnightAfterPreparing, clock=clock)
    wiring = Wiring(client, settings, handler=handler, clock=clock)
    await wiring.batch(messages(*(submission(namespace, f"r{i}") for i in range(5))))
    numbers = sorted(t["number"] for t in await tickets_of(db, namespace))
    assert numbers == [f"{namespace}-20260308-{i:06d}" for i in range(1, 6)]
    by_day = {d["_id"].split("|")[1]: d["value"] async for d in db.number_counters.find({})}
    assert by_day == {"20260307": 0, "20260308": 5}  # the reserved ones were given back


async def test_numbers_stay_unique_and_gap_free_with_http_registrations_racing_batches(
    intake, settings, namespace, monitored, mongo_client
):
    client, _ = monitored
    db = mongo_client[settings.mongo_db]
    wiring = Wiring(client, settings)

    async def batches() -> None:
        for start in range(0, 200, 50):
            await wiring.batch(
                messages(*(submission(namespace, f"k{i}") for i in range(start, start + 50)))
            )

    http = [intake.post("/tickets", json=submission(namespace, f"h{i}")) for i in range(200)]
    *responses, _ = await asyncio.gather(*http, batches())
    assert {r.status_code for r in responses} == {201}
    assert sequence(await tickets_of(db, namespace)) == list(range(1, 401))
    assert await counters(db) == {namespace: 400}
    assert wiring.sink.sent == []


async def test_upstream_submissions_through_kafka_become_one_ticket_each(
    intake, infra, settings, namespace, mongo_client
):
    db = mongo_client[settings.mongo_db]
    refs = [f"r{i}" for i in range(60)] + [f"r{i}" for i in range(0, 60, 7)]
    values = [json.dumps(submission(namespace, ref)).encode() for ref in refs]
    await produce(infra.kafka_bootstrap, settings.topics.upstream_submissions, *values)
    tickets = await eventually(
        lambda: tickets_of(db, namespace), until=lambda found: len(found) >= 60
    )
    await asyncio.sleep(0.5)  # nothing more arrives: the duplicates were recognised
    assert sorted(t["external_ref"] for t in await tickets_of(db, namespace)) == sorted(set(refs))
    assert sequence(tickets) == list(range(1, 61))
