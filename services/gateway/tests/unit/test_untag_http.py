"""``DELETE /tickets/{id}/tags/{tag}`` in-process, dispatch replaced by a recorder: a tag
with "/" in it reaches dispatch as one quoted path segment."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import httpx
import pytest
from fastapi import FastAPI

from services.gateway.app.forwarding import Forwarding
from services.gateway.domain.callers import ClaimNames
from services.gateway.entrypoints import commands_http
from services.gateway.tests.fakes import FakeGatewayUnitOfWork, InMemoryIdempotencyKeys
from services.gateway.tests.unit.test_me_http import Services, Tokens, auth
from shared.clock import FakeClock
from shared.http import install_http_basics


@pytest.fixture
def services() -> Services:
    return Services()


@pytest.fixture
async def client(services: Services) -> AsyncIterator[httpx.AsyncClient]:
    uow = FakeGatewayUnitOfWork()
    uow.views.docs["t-1"] = {"ticket_id": "t-1", "tenant_id": "acme", "submitted_by": "ivan"}
    clock = FakeClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    app = FastAPI()
    install_http_basics(app)
    app.state.context = SimpleNamespace(
        new_uow=uow, tokens=Tokens(), claim_names=ClaimNames(),
        forwarding=Forwarding(services, InMemoryIdempotencyKeys(), clock, timedelta(seconds=60)),
    )  # fmt: skip
    app.include_router(commands_http.router)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as found:
        yield found


@pytest.mark.parametrize(
    ("sent", "forwarded"),
    [
        ("vip", "tags/vip"),
        ("fibre%2Fbackbone", "tags/fibre%2Fbackbone"),
        ("%E5%85%89%E7%BC%86%20cut", "tags/%E5%85%89%E7%BC%86%20cut"),
    ],
)
async def test_a_tag_is_forwarded_as_one_path_segment(client, services, sent, forwarded):
    answer = await client.delete(f"/tickets/t-1/tags/{sent}", headers=auth("engineer"))
    assert answer.status_code == 200, answer.text
    (request, caller), *_ = services.sent
    assert (request.service, request.method) == ("dispatch", "DELETE")
    assert request.path == f"/work-orders/t-1/{forwarded}"
    assert caller.username == "li.wei"
