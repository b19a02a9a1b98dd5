""" "Don't notify me" and one's own notification preferences, forwarded to notify for the
signed-in caller alone, on tickets they may read; nothing half-applied."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from services.gateway.adapters.services import ServiceUnavailable
from services.gateway.app import personal
from services.gateway.app.forwarding import Forwarding
from services.gateway.app.ports import ServiceRequest
from services.gateway.domain.callers import Caller, Role
from services.gateway.domain.idempotency import StoredReply
from services.gateway.tests.fakes import FakeGatewayUnitOfWork, InMemoryIdempotencyKeys
from shared.clock import FakeClock
from shared.errors import NotFound

JSON = "application/json"
IVAN = Caller("u-3", "ivan", "acme", frozenset({Role.REQUESTER}))
ENGINEER = Caller("u-1", "li.wei", "acme", frozenset({Role.FIELD_ENGINEER}))
OK = StoredReply(200, JSON, b'{"ticket_id": "t-1", "muted": []}')
NOT_YOURS = StoredReply(403, JSON, b'{"detail": {"message": "you may only mute yourself"}}')


class ByRecipient:
    """notify as the gateway sees it: answers per last path segment (default ``OK``)."""

    def __init__(self, **replies: StoredReply) -> None:
        self.replies = replies
        self.sent: list[tuple[ServiceRequest, Caller]] = []

    async def send(self, request: ServiceRequest, caller: Caller) -> StoredReply:
        self.sent.append((request, caller))
        return self.replies.get(request.path.rsplit("/", 1)[-1], OK)


def ports(services: ByRecipient) -> Forwarding:
    clock = FakeClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    return Forwarding(services, InMemoryIdempotencyKeys(), clock, timedelta(seconds=60))


@pytest.fixture
def uow() -> FakeGatewayUnitOfWork:
    found = FakeGatewayUnitOfWork()
    found.views.docs["t-1"] = {"ticket_id": "t-1", "tenant_id": "acme", "submitted_by": "ivan"}
    found.views.docs["t-2"] = {"ticket_id": "t-2", "tenant_id": "acme", "submitted_by": "olga"}
    found.views.docs["t-9"] = {"ticket_id": "t-9", "tenant_id": "globex"}
    return found


def test_me_is_the_username_and_for_the_customer_who_submitted_it_also_the_contact():
    ticket = {"submitted_by": "ivan"}

    assert personal.own_recipients(IVAN, ticket) == ["ivan", "contact"]
    assert personal.own_recipients(ENGINEER, ticket) == ["li.wei"]
    agent_who_registered = Caller("u-2", "ivan", "acme", frozenset({Role.AGENT}))
    assert personal.own_recipients(agent_who_registered, ticket) == ["ivan"]


async def test_muting_sends_each_of_my_recipients_as_me_and_nobody_else(uow):
    services = ByRecipient()

    state = await personal.set_muted("t-1", True, IVAN, uow, ports(services))

    assert state == personal.MuteState("t-1", True)
    assert [(r.service, r.method, r.path) for r, _ in services.sent] == [
        ("notify", "PUT", "/tickets/t-1/mutes/ivan"),
        ("notify", "PUT", "/tickets/t-1/mutes/contact"),
    ]
    assert {who.username for _, who in services.sent} == {"ivan"}


async def test_a_refused_recipient_undoes_the_ones_already_muted(uow):
    services = ByRecipient(contact=NOT_YOURS)

    state = await personal.set_muted("t-1", True, IVAN, uow, ports(services))

    assert (state.muted, state.refused) == (False, NOT_YOURS)
    assert [(r.method, r.path) for r, _ in services.sent] == [
        ("PUT", "/tickets/t-1/mutes/ivan"),
        ("PUT", "/tickets/t-1/mutes/contact"),
        ("DELETE", "/tickets/t-1/mutes/ivan"),
    ]


async def test_a_ticket_i_may_not_read_is_not_found_and_nothing_is_sent(uow):
    services = ByRecipient()

    for ticket in ("t-2", "t-9", "t-404"):
        with pytest.raises(NotFound):
            await personal.set_muted(ticket, True, IVAN, uow, ports(services))
    with pytest.raises(NotFound):
        await personal.mute_state("t-9", ENGINEER, uow, ports(services))
    assert services.sent == []


async def test_muted_means_all_of_my_recipients_and_unknown_to_notify_means_not_muted(uow):
    both = StoredReply(200, JSON, b'{"ticket_id": "t-1", "muted": ["contact", "ivan", "x"]}')
    only_me = StoredReply(200, JSON, b'{"ticket_id": "t-1", "muted": ["ivan"]}')
    unseen = StoredReply(404, JSON, b'{"detail": "ticket t-1 not found"}')

    assert (await personal.mute_state("t-1", IVAN, uow, ports(ByRecipient(mutes=both)))).muted
    assert not (
        await personal.mute_state("t-1", IVAN, uow, ports(ByRecipient(mutes=only_me)))
    ).muted
    assert (await personal.mute_state("t-1", ENGINEER, uow, ports(ByRecipient(mutes=only_me)))
            ).muted is False  # fmt: skip
    assert not (await personal.mute_state("t-1", IVAN, uow, ports(ByRecipient(mutes=unseen)))).muted


async def test_preferences_are_read_and_written_at_my_own_entry_only():
    services = ByRecipient(preferences=OK)
    body = {"language": "ru", "channels": {"ticket_urged": []}}

    await personal.my_preferences("acme", ENGINEER, ports(services))
    await personal.set_my_preferences("acme", ENGINEER, body, ports(services))

    (read, _), (written, who) = services.sent
    assert (read.method, read.path) == ("GET", "/tenants/acme/people/li.wei/preferences")
    assert (written.method, written.path) == ("PUT", "/tenants/acme/people/li.wei/preferences")
    assert json.loads(written.body) == body
    assert who == ENGINEER


class NotifyGoesAway(ByRecipient):
    """Answers the first request, then does not answer the next ``down`` ones."""

    def __init__(self, down: int) -> None:
        super().__init__()
        self.down = down

    async def send(self, request: ServiceRequest, caller: Caller) -> StoredReply:
        if self.sent and self.down > 0:
            self.down -= 1
            self.sent.append((request, caller))
            raise ServiceUnavailable("notify did not answer")
        return await super().send(request, caller)


async def test_notify_stopping_half_way_changes_back_what_it_had_done(uow):
    services = NotifyGoesAway(down=1)

    with pytest.raises(ServiceUnavailable):
        await personal.set_muted("t-1", True, IVAN, uow, ports(services))

    assert [(r.method, r.path) for r, _ in services.sent] == [
        ("PUT", "/tickets/t-1/mutes/ivan"),
        ("PUT", "/tickets/t-1/mutes/contact"),
        ("DELETE", "/tickets/t-1/mutes/ivan"),
    ]
