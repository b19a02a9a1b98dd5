"""录入追加信息后再催单 with in-memory ports: the note then the urge, a retry that never
appends twice, and an urge that failed after the note said so."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from services.gateway.adapters.services import BadGateway
from services.gateway.app.append_and_urge import Appended, UrgeFailedAfterAppend, append_and_urge
from services.gateway.app.forwarding import Forwarding
from services.gateway.app.ports import ServiceRequest
from services.gateway.domain.callers import Caller, Role
from services.gateway.domain.idempotency import StoredReply
from services.gateway.tests.fakes import InMemoryIdempotencyKeys
from shared.clock import FakeClock

AGENT = Caller("u-1", "zhang.min", "acme", frozenset({Role.AGENT}))
JSON = "application/json"
COMMENTED = StoredReply(201, JSON, b'{"id": "c-1", "ticket_id": "t-1"}')
URGED = StoredReply(200, JSON, b'{"ticket_id": "t-1", "urge_count": 1}')
NOT_NOW = StoredReply(409, JSON, b'{"detail": {"message": "resolved", "allowed": ["confirm"]}}')


class ByPath:
    """Answers per command (the last part of the path), or raises ``errors`` for it."""

    def __init__(self, **replies: StoredReply) -> None:
        self.replies = replies
        self.errors: dict[str, Exception] = {}
        self.sent: list[ServiceRequest] = []

    async def send(self, request: ServiceRequest, caller: Caller) -> StoredReply:
        self.sent.append(request)
        command = request.path.rsplit("/", 1)[-1]
        if command in self.errors:
            raise self.errors[command]
        return self.replies[command]


def ports(services: ByPath) -> Forwarding:
    clock = FakeClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    return Forwarding(services, InMemoryIdempotencyKeys(), clock, timedelta(seconds=60))


async def test_the_text_is_an_internal_comment_then_the_ticket_is_urged():
    services = ByPath(comments=COMMENTED, urge=URGED)
    done = await append_and_urge(
        "t-1", "宽带仍然断线", "客户再次来电", AGENT, None, ports(services)
    )

    assert done == Appended(
        {"id": "c-1", "ticket_id": "t-1"}, {"ticket_id": "t-1", "urge_count": 1}
    )
    comment, urge = services.sent
    assert (comment.service, comment.path) == ("dispatch", "/work-orders/t-1/comments")
    assert json.loads(comment.body) == {"body": "宽带仍然断线"}
    assert urge.path == "/work-orders/t-1/urge"
    assert json.loads(urge.body) == {"note": "客户再次来电"}


async def test_a_refused_comment_is_answered_as_it_is_and_nothing_is_urged():
    forbidden = StoredReply(403, JSON, b'{"detail": {"message": "no", "allowed_roles": []}}')
    services = ByPath(comments=forbidden, urge=URGED)

    assert await append_and_urge("t-1", "x", None, AGENT, None, ports(services)) == forbidden
    assert [r.path for r in services.sent] == ["/work-orders/t-1/comments"]


async def test_an_urge_refused_after_the_comment_is_a_409_saying_what_was_done():
    services = ByPath(comments=COMMENTED, urge=NOT_NOW)
    with pytest.raises(UrgeFailedAfterAppend) as half:
        await append_and_urge("t-1", "more", None, AGENT, None, ports(services))

    detail = half.value.detail()
    assert half.value.status_code == 409
    assert detail["done"] == [{"step": "append", "comment": {"id": "c-1", "ticket_id": "t-1"}}]
    assert half.value.failure["status"] == 409
    assert half.value.failure["step"] == "urge"
    assert detail["allowed"] == ["confirm"]
    assert "appended" in str(detail["message"])


async def test_an_unreachable_dispatch_after_the_comment_is_a_409_too():
    services = ByPath(comments=COMMENTED)
    services.errors["urge"] = BadGateway("dispatch failed with 500")
    with pytest.raises(UrgeFailedAfterAppend) as half:
        await append_and_urge("t-1", "more", None, AGENT, None, ports(services))

    assert half.value.failure["status"] == 502


async def test_a_retry_with_the_key_appends_once_and_sends_only_the_urge_that_failed():
    services = ByPath(comments=COMMENTED, urge=URGED)
    forwarding = ports(services)
    services.errors["urge"] = BadGateway("dispatch failed with 500")
    with pytest.raises(UrgeFailedAfterAppend):
        await append_and_urge("t-1", "more", None, AGENT, "k-1", forwarding)
    del services.errors["urge"]

    done = await append_and_urge("t-1", "more", None, AGENT, "k-1", forwarding)
    again = await append_and_urge("t-1", "more", None, AGENT, "k-1", forwarding)

    assert done == again
    assert isinstance(done, Appended)
    assert [r.path.rsplit("/", 1)[-1] for r in services.sent] == ["comments", "urge", "urge"]
