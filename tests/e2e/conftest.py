from collections.abc import Iterator
from uuid import uuid4

import pytest

from deploy.local.infra import Endpoints
from deploy.local.services import start_services
from shared.testing.identity import LocalIssuer
from shared.testing.tenants import provision_tenant
from tests.support.stack import knowing_tenants, stack_envs, stack_ports, stack_urls


@pytest.fixture(scope="session")
def stack_namespace() -> str:
    return f"e2e{uuid4().hex[:10]}"


@pytest.fixture(scope="session")
def stack(
    infra: Endpoints,
    stack_namespace: str,
    issuer: LocalIssuer,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[dict[str, str]]:
    """Every service as a real process, shared by the e2e tests (each test uses its own
    tenant); their base URLs by name."""
    ports = stack_ports()
    envs = stack_envs(infra, stack_namespace, issuer.url, ports, tmp_path_factory.mktemp("notify"))
    processes = start_services(envs, tmp_path_factory.mktemp("logs"))
    yield stack_urls(ports)
    for process in reversed(processes):
        process.stop()


@pytest.fixture(autouse=True)
async def provisioned(request: pytest.FixtureRequest, namespace: str) -> None:
    """Each test that uses the stack submits for its own tenant ``namespace``, provisioned
    through intake's admin API as an operator would, and known to every service by then."""
    if "stack" in request.fixturenames:
        stack = request.getfixturevalue("stack")
        await provision_tenant(stack["intake"], namespace, known_by=knowing_tenants(stack))


@pytest.fixture
def signed_in(issuer: LocalIssuer, namespace: str) -> dict[str, str]:
    """Headers of a supervisor of this test's tenant, for the gateway."""
    return issuer.headers(namespace, ["supervisor"])
