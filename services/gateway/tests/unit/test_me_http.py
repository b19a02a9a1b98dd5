"""The ``/tickets/{id}/mutes/me``, ``/me/notification-preferences`` and ``/tickets/{id}/sla``
routes in-process, notify and sla replaced by a recorder: the recipient is the token's
username whatever the client sends, other fields than the preferences are refused before
anything is forwarded, and another tenant's ticket is a 404."""

import contextlib
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from fastapi import APIRouter, FastAPI

from services.gateway.app.forwarding import Forwarding
from services.gateway.app.ports import ServiceRequest
from services.gateway.domain.callers import Caller, ClaimNames
from services.gateway.domain.idempotency import StoredReply
from services.gateway.entrypoints import me_http
from services.gateway.tests.fakes import FakeGatewayUnitOfWork, InMemoryIdempotencyKeys
from shared.clock import FakeClock
from shared.errors import Unauthenticated
from shared.http import install_http_basics

JSON = "application/json"
TOKENS = {
    "engineer": {"sub": "s-1", "preferred_username": "li.wei", "tenant": "acme",
                 "realm_access": {"roles": ["field_engineer"]}},
    "customer": {"sub": "s-2", "preferred_username": "ivan", "tenant": "acme",
                 "realm_access": {"roles": ["requester"]}},
}  # fmt: skip


class Tokens:
    async def claims(self, token: str) -> dict[str, Any]:
        if token not in TOKENS:
            raise Unauthenticated("the token is not valid")
        return TOKENS[token]


class Services:
    """notify and sla: each answers 200 with what a real one would say."""

    def __init__(self) -> None:
        self.sent: list[tuple[ServiceRequest, Caller]] = []

    async def send(self, request: ServiceRequest, caller: Caller) -> StoredReply:
        self.sent.append((request, caller))
        if request.path.endswith("/mutes"):
            return StoredReply(200, JSON, b'{"ticket_id": "t-1", "muted": ["li.wei"]}')
        return StoredReply(200, JSON, b'{"ok": true}')


def auth(who: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {who}"}


@pytest.fixture
def services() -> Services:
    return Services()


@pytest.fixture
async def client(services: Services) -> AsyncIterator[httpx.AsyncClient]:
    async with gateway_with(me_http.router, services) as found:
        yield found


@contextlib.asynccontextmanager
async def gateway_with(router: APIRouter, services: Services) -> AsyncIterator[httpx.AsyncClient]:
    """``router`` in-process with the gateway's forwarding to ``services``; acme's ticket
    t-1 (ivan's) and globex's t-9 in the read model."""
    uow = FakeGatewayUnitOfWork()
    uow.views.docs["t-1"] = {"ticket_id": "t-1", "tenant_id": "acme", "submitted_by": "ivan"}
    uow.views.docs["t-9"] = {"ticket_id": "t-9", "tenant_id": "globex", "submitted_by": "x"}
    clock = FakeClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    app = FastAPI()
    install_http_basics(app)
    app.state.context = SimpleNamespace(
        new_uow=uow, tokens=Tokens(), claim_names=ClaimNames(),
        forwarding=Forwarding(services, InMemoryIdempotencyKeys(), clock, timedelta(seconds=60)),
    )  # fmt: skip
    app.include_router(router)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as found:
        yield found


async def test_mutes_are_the_callers_own_whatever_headers_the_client_sends(client, services):
    forged = auth("engineer") | {"X-Actor-Id": "zhang.min"}

    muted = await client.put("/tickets/t-1/mutes/me", headers=forged)
    state = await client.get("/tickets/t-1/mutes/me", headers=auth("engineer"))
    customer = await client.get("/tickets/t-1/mutes/me", headers=auth("customer"))

    assert (muted.status_code, muted.json()) == (200, {"ticket_id": "t-1", "muted": True})
    assert state.json()["muted"] is True
    assert customer.json()["muted"] is False  # "ivan" and "contact" are not both muted
    put, _ = services.sent[0]
    assert (put.service, put.method, put.path) == ("notify", "PUT", "/tickets/t-1/mutes/li.wei")
    assert {who.username for _, who in services.sent} <= {"li.wei", "ivan"}


async def test_another_tenants_ticket_is_not_found_and_nothing_is_forwarded(client, services):
    for method in ("GET", "PUT", "DELETE"):
        answer = await client.request(method, "/tickets/t-9/mutes/me", headers=auth("engineer"))
        assert answer.status_code == 404
    assert (await client.get("/tickets/t-9/sla", headers=auth("engineer"))).status_code == 404
    assert services.sent == []


async def test_preferences_go_to_the_callers_entry_and_nothing_else_is_accepted(client, services):
    body = {"language": "ru", "quiet_hours": {"start": "22:00", "end": "07:00"},
            "channels": {"ticket_urged": ["in_app"]}}  # fmt: skip

    saved = await client.put("/me/notification-preferences", json=body, headers=auth("engineer"))
    more = body | {"supervisor": True, "phone": "+8613900000000"}
    promoted = await client.put("/me/notification-preferences", json=more, headers=auth("engineer"))
    bad_channel = await client.put("/me/notification-preferences", headers=auth("engineer"),
                                   json={"channels": {"ticket_urged": ["pigeon"]}})  # fmt: skip
    read = await client.get("/me/notification-preferences", headers=auth("engineer"))

    assert saved.status_code == 200, saved.text
    assert {e["field"] for e in promoted.json()["detail"]} == {"supervisor", "phone"}
    assert bad_channel.status_code == 422
    assert read.status_code == 200
    (put, who), (get, _) = services.sent
    assert (put.method, put.path, who.username) == (
        "PUT", "/tenants/acme/people/li.wei/preferences", "li.wei")  # fmt: skip
    assert json.loads(put.body) == {
        "language": "ru", "time_zone": None,
        "quiet_hours": {"start": "22:00:00", "end": "07:00:00"},
        "channels": {"ticket_urged": ["in_app"]},
    }  # fmt: skip
    assert get.path == "/tenants/acme/people/li.wei/preferences"


async def test_the_sla_timeline_is_for_staff(client, services):
    staff = await client.get("/tickets/t-1/sla", headers=auth("engineer"))
    customer = await client.get("/tickets/t-1/sla", headers=auth("customer"))

    assert staff.status_code == 200
    assert customer.status_code == 403
    assert [(r.service, r.path) for r, _ in services.sent] == [("sla", "/tickets/t-1/sla")]
