"""The dashboard in a real browser: Chromium's headless shell (Debian's
``chromium-headless-shell``, installed by ``make deps``) driven by Playwright, against
intake, dispatch and the gateway as processes, signing in at the test issuer's login form
(authorization code + PKCE), as a person would."""

import os
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from uuid import uuid4

import pytest
from playwright.async_api import Browser, async_playwright, expect

from deploy.local.infra import Endpoints
from deploy.local.ports import free_port
from deploy.local.services import service_env, start_services
from shared.testing.identity import LocalIssuer
from shared.testing.tenants import provision_tenant
from tests.e2e.conftest import ASSIGNMENT_RULES

CHROMIUM = os.environ.get("TICKETFLOW_CHROMIUM", "/usr/bin/chromium-headless-shell")
ARTIFACTS = Path(__file__).parent / "artifacts"
SERVICES = ("intake", "dispatch", "gateway")
# Generous: a slow 2-core machine runs Kafka, MongoDB and three services beside Chromium;
# every expectation waits on its condition, never on a fixed time.
WAIT_MS = 60_000
expect.set_options(timeout=WAIT_MS)


@pytest.fixture(scope="package")
def web_stack(
    infra: Endpoints, issuer: LocalIssuer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, str]]:
    """intake, dispatch and the gateway as processes for the browser tests (stopped when
    they are done); their base URLs by name."""
    namespace = f"web{uuid4().hex[:10]}"
    ports = {name: free_port() for name in SERVICES}
    envs = {
        name: service_env(infra, ports[name], namespace, f"{namespace}_{name}")
        | {"TICKETFLOW_CONSUMER_SESSION_TIMEOUT_MS": "6000"}
        for name in SERVICES
    }
    envs["dispatch"] |= {"TICKETFLOW_ASSIGNMENT_RULES": ASSIGNMENT_RULES}
    envs["gateway"] |= {
        "TICKETFLOW_OIDC_ISSUER": issuer.url,
        "TICKETFLOW_INTAKE_URL": f"http://127.0.0.1:{ports['intake']}",
        "TICKETFLOW_DISPATCH_URL": f"http://127.0.0.1:{ports['dispatch']}",
        "TICKETFLOW_DASHBOARD_TIME_ZONE": "Asia/Shanghai",
    }
    processes = start_services(envs, tmp_path_factory.mktemp("web-logs"))
    yield {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    for process in reversed(processes):
        process.stop()


@pytest.fixture
async def tenant(web_stack: dict[str, str], namespace: str) -> str:
    await provision_tenant(web_stack["intake"], namespace)
    return namespace


def chromium() -> str:
    if not Path(CHROMIUM).is_file() and shutil.which(CHROMIUM) is None:
        pytest.fail(f"{CHROMIUM} is missing: make deps installs chromium-headless-shell")
    return CHROMIUM


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    executable = chromium()
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=executable, args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        yield launched
        await launched.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
