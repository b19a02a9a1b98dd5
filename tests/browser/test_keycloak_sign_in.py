"""The dashboard signed in through the real Keycloak and its demo realm, as after
``make run``: the ``ticketflow-dashboard`` public client, authorization code with PKCE, the
tenant, role and language (the realm's ``locale`` mapper) from the token, and sign-out
ending the Keycloak session too."""

import re
from collections.abc import Iterator
from uuid import uuid4

import pytest
from playwright.async_api import Browser, expect

from deploy.local.infra import Endpoints
from deploy.local.keycloak import KeycloakConfig
from deploy.local.ports import free_port
from deploy.local.services import service_env, start_services
from tests.browser.conftest import WAIT_MS


@pytest.fixture(scope="package")
def keycloak_gateway(
    web_stack: dict[str, str], infra: Endpoints, keycloak: KeycloakConfig,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[str]:  # fmt: skip
    """A gateway process trusting Keycloak, with its own (empty) read model."""
    namespace, port = f"kc{uuid4().hex[:10]}", free_port()
    env = service_env(infra, port, namespace, f"{namespace}_gateway") | {
        "TICKETFLOW_OIDC_ISSUER": keycloak.issuer,
        "TICKETFLOW_INTAKE_URL": web_stack["intake"],
        "TICKETFLOW_DISPATCH_URL": web_stack["dispatch"],
    }
    processes = start_services({"gateway": env}, tmp_path_factory.mktemp("kc-gateway"))
    yield f"http://127.0.0.1:{port}"
    for process in processes:
        process.stop()


# Keycloak builds itself on its first start (up to 5 minutes on two busy cores), then the
# services start: more than the default timeout, spent in the fixtures.
@pytest.mark.timeout(900)
async def test_a_demo_user_signs_in_through_keycloak_and_out_again(
    browser: Browser, keycloak_gateway: str
):
    context = await browser.new_context(base_url=keycloak_gateway, locale="en")
    page = await context.new_page()
    page.set_default_timeout(WAIT_MS)

    await page.goto("/ui/queue")
    await expect(page.locator("#kc-login")).to_be_visible()  # Keycloak's own login form
    await page.fill("#username", "dispatcher.demo")
    await page.fill("#password", "demo")
    await page.click("#kc-login")
    await page.wait_for_url(re.compile(r".*/ui/queue$"))

    # The browser asks for English; the user's profile in Keycloak says zh-CN, and wins.
    await expect(page.locator("h1")).to_have_text("工单队列")
    await expect(page.locator("header .user")).to_have_text("dispatcher.demo · demo")
    cookies = {c["name"]: c for c in await context.cookies()}
    assert cookies["tf_session"]["httpOnly"]
    assert cookies["tf_session"]["sameSite"] == "Lax"

    await page.locator("form.who button").click()
    await expect(page.locator("h1")).to_have_text("已退出")
    await page.goto("/ui/queue")  # Keycloak's session ended too: its form again
    await expect(page.locator("#kc-login")).to_be_visible()
    await context.close()
