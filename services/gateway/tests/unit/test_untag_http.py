"""``DELETE /tickets/{id}/tags/{tag}`` in-process, dispatch replaced by a recorder: a tag
with "/" in it reaches dispatch as one quoted path segment."""

from collections.abc import AsyncIterator

import httpx
import pytest

from services.gateway.entrypoints import commands_http
from services.gateway.tests.unit.test_me_http import Services, auth, gateway_with


@pytest.fixture
def services() -> Services:
    return Services()


@pytest.fixture
async def client(services: Services) -> AsyncIterator[httpx.AsyncClient]:
    async with gateway_with(commands_http.router, services) as found:
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
