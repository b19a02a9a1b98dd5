"""The dashboard in a real browser: Chromium's headless shell (Debian's
``chromium-headless-shell``, installed by ``make deps``) driven by Playwright, against
every service as a process, signing in at the test issuer's login form
(authorization code + PKCE), as a person would."""

import os
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from uuid import uuid4

import pytest
from playwright.async_api import Browser, async_playwright, expect

from deploy.local.infra import Endpoints
from deploy.local.services import start_services
from shared.testing.identity import LocalIssuer
from shared.testing.tenants import provision_tenant
from tests.support.stack import stack_envs, stack_ports, stack_urls

CHROMIUM = os.environ.get("TICKETFLOW_CHROMIUM", "/usr/bin/chromium-headless-shell")
ARTIFACTS = Path(__file__).parent / "artifacts"
# Generous: a slow 2-core machine runs Kafka, MongoDB and three services beside Chromium;
# every expectation waits on its condition, never on a fixed time.
WAIT_MS = 60_000
expect.set_options(timeout=WAIT_MS)


@pytest.fixture(scope="package")
def web_stack(
    infra: Endpoints, issuer: LocalIssuer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, str]]:
    """Every service as a process for the browser tests (stopped when they are done), the
    gateway showing times in Beijing; their base URLs by name."""
    namespace = f"web{uuid4().hex[:10]}"
    ports = stack_ports()
    envs = stack_envs(infra, namespace, issuer.url, ports, tmp_path_factory.mktemp("web-notify"))
    envs["gateway"] |= {"TICKETFLOW_DASHBOARD_TIME_ZONE": "Asia/Shanghai"}
    processes = start_services(envs, tmp_path_factory.mktemp("web-logs"))
    yield stack_urls(ports)
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
