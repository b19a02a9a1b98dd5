"""The dashboard in a real browser: Chromium's headless shell (Debian's
``chromium-headless-shell``, installed by ``make deps``) driven by Playwright, against
every service as a process, signing in as a person would (authorization code + PKCE):
at the test issuer's login form (``web_stack``, a tenant per test), or at the real
Keycloak's with the demo realm's users (``keycloak_stack``, the realm's fixed tenants)."""

import os
import re
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from uuid import uuid4

import pytest
from playwright.async_api import Browser, BrowserContext, Page, async_playwright, expect

from deploy.local.infra import Endpoints
from deploy.local.keycloak import KeycloakConfig
from deploy.local.services import start_services
from shared.testing.identity import LocalIssuer
from shared.testing.tenants import provision_tenant
from tests.support.stack import (
    knowing_tenants,
    provision_realm_tenants,
    stack_envs,
    stack_ports,
    stack_urls,
)

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


@pytest.fixture(scope="package")
def keycloak_stack(
    infra: Endpoints, keycloak: KeycloakConfig, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, str]]:
    """Every service as a process, the gateway trusting the real Keycloak (the session's,
    shared with every test that signs in through it), the demo realm's tenants provisioned
    with their staff and routing (incidents of ``demo`` go to li.wei). Tests on it share
    those tenants: each makes its own tickets (unique subjects) and asserts on those."""
    namespace = f"kc{uuid4().hex[:10]}"
    ports = stack_ports()
    notify_dir = tmp_path_factory.mktemp("kc-notify")
    envs = stack_envs(infra, namespace, keycloak.issuer, ports, notify_dir)
    envs["gateway"] |= {"TICKETFLOW_DASHBOARD_TIME_ZONE": "Asia/Shanghai"}
    processes = start_services(envs, tmp_path_factory.mktemp("kc-logs"))
    try:
        urls = stack_urls(ports)
        provision_realm_tenants(urls)
        yield urls
    finally:
        for process in reversed(processes):
            process.stop()


async def keycloak_signed_in(
    browser: Browser, gateway: str, username: str, lang: str | None = "en"
) -> tuple[BrowserContext, Page]:
    """A new browser (its own cookies) signed in at Keycloak's own login form with a demo
    realm user (password ``demo``). The realm gives most staff a zh-CN profile, which the
    dashboard follows; ``lang`` then picks the language with the page's switcher (the
    choice is remembered), ``None`` keeps the profile's."""
    context = await browser.new_context(
        base_url=gateway, locale=lang or "en", viewport={"width": 1280, "height": 800}
    )
    page = await context.new_page()
    page.set_default_timeout(WAIT_MS)
    await page.goto("/ui/queue")
    await expect(page.locator("#kc-login")).to_be_visible()
    await page.fill("#username", username)
    await page.fill("#password", "demo")
    await page.click("#kc-login")
    await page.wait_for_url(re.compile(r".*/ui/(queue|portal).*"))
    await expect(page.locator("header .user")).to_contain_text(username)
    if lang is not None:
        switch = page.locator(f'nav.languages a[data-lang="{lang}"]')
        await switch.click()
        await expect(switch).to_have_attribute("aria-current", "true")
    return context, page


@pytest.fixture
async def tenant(web_stack: dict[str, str], namespace: str) -> str:
    await provision_tenant(web_stack["intake"], namespace, known_by=knowing_tenants(web_stack))
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
