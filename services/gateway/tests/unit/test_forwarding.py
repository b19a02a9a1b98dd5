"""Commands through the gateway with in-memory ports: tenant scope and Idempotency-Key."""

from datetime import UTC, datetime, timedelta

import pytest

from services.gateway.app import forwarding
from services.gateway.app.forwarding import Forwarding
from services.gateway.app.ports import ServiceRequest
from services.gateway.domain.callers import Caller, Role
from services.gateway.domain.idempotency import StoredReply, fingerprint
from services.gateway.tests.fakes import (
    FakeGatewayUnitOfWork,
    InMemoryIdempotencyKeys,
    RecordingServices,
)
from shared.clock import FakeClock
from shared.errors import Conflict, InvalidFields, NotFound

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ENGINEER = Caller("u-1", "li.wei", "acme", frozenset({Role.FIELD_ENGINEER}))
ACCEPT = ServiceRequest("dispatch", "POST", "/work-orders/t-1/accept", b"{}", "application/json")
ACCEPTED = StoredReply(200, "application/json", b'{"status": "accepted"}')


@pytest.fixture
def clock():
    return FakeClock(NOW)


@pytest.fixture
def ports(clock):
    return Forwarding(
        RecordingServices(ACCEPTED), InMemoryIdempotencyKeys(), clock, timedelta(seconds=60)
    )


async def test_without_a_key_every_request_is_sent(ports):
    await forwarding.send(ACCEPT, ENGINEER, None, ports)
    await forwarding.send(ACCEPT, ENGINEER, None, ports)

    assert [request for request, _ in ports.services.sent] == [ACCEPT, ACCEPT]


async def test_a_retried_request_with_its_key_is_answered_without_sending_it_again(ports):
    first = await forwarding.send(ACCEPT, ENGINEER, "k-1", ports)
    ports.services.reply = StoredReply(409, "application/json", b'{"detail": "not again"}')
    again = await forwarding.send(ACCEPT, ENGINEER, "k-1", ports)

    assert first == again == ACCEPTED
    assert len(ports.services.sent) == 1


async def test_the_key_with_another_body_is_refused_and_not_sent(ports):
    await forwarding.send(ACCEPT, ENGINEER, "k-1", ports)
    other = ServiceRequest("dispatch", "POST", "/work-orders/t-1/accept", b'{"x": 1}', "a/json")

    with pytest.raises(InvalidFields):
        await forwarding.send(other, ENGINEER, "k-1", ports)
    assert len(ports.services.sent) == 1


async def test_keys_belong_to_their_caller(ports):
    colleague = Caller("u-2", "zhang.min", "acme", frozenset({Role.FIELD_ENGINEER}))
    await forwarding.send(ACCEPT, ENGINEER, "k-1", ports)
    await forwarding.send(ACCEPT, colleague, "k-1", ports)

    assert [who.username for _, who in ports.services.sent] == ["li.wei", "zhang.min"]


async def test_a_failed_request_leaves_its_key_free_for_the_retry(ports):
    ports.services.error = ConnectionError("dispatch is restarting")
    with pytest.raises(ConnectionError):
        await forwarding.send(ACCEPT, ENGINEER, "k-1", ports)
    ports.services.error = None
    retried = await forwarding.send(ACCEPT, ENGINEER, "k-1", ports)

    assert retried == ACCEPTED
    assert len(ports.services.sent) == 2


async def test_a_key_whose_request_still_runs_is_a_409_until_it_is_stale(ports, clock):
    await ports.keys.claim("u-1:k-1", _print(), NOW, NOW)  # a first request in flight
    with pytest.raises(Conflict):
        await forwarding.send(ACCEPT, ENGINEER, "k-1", ports)
    clock.advance(timedelta(seconds=61))
    taken_over = await forwarding.send(ACCEPT, ENGINEER, "k-1", ports)

    assert taken_over == ACCEPTED
    assert len(ports.services.sent) == 1


async def test_another_tenants_ticket_is_not_found_as_if_it_did_not_exist():
    uow = FakeGatewayUnitOfWork()
    uow.views.docs["t-1"] = {"ticket_id": "t-1", "tenant_id": "globex"}
    platform = Caller("u-9", "root", None, frozenset({Role.PLATFORM_ADMIN}))

    with pytest.raises(NotFound, match="ticket t-1 not found"):
        await forwarding.ticket_in_scope("t-1", ENGINEER, uow)
    with pytest.raises(NotFound):
        await forwarding.ticket_in_scope("t-404", ENGINEER, uow)
    assert await forwarding.ticket_in_scope("t-1", platform, uow) == "globex"
    requester = Caller("u-3", "ivan", "globex", frozenset({Role.REQUESTER}))
    with pytest.raises(NotFound):  # not one they submitted
        await forwarding.ticket_in_scope("t-1", requester, uow)
    uow.views.docs["t-1"]["submitted_by"] = "ivan"
    assert await forwarding.ticket_in_scope("t-1", requester, uow) == "globex"


def _print() -> str:
    return fingerprint("POST", forwarding._target(ACCEPT), ACCEPT.content_type, ACCEPT.body)
