"""The dashboard signed in through the real Keycloak and its demo realm, as after
``make run``: the ``ticketflow-dashboard`` public client, authorization code with PKCE, the
tenant, role and language (the realm's ``locale`` mapper) from the token, and sign-out
ending the Keycloak session too."""

import re

import pytest
from playwright.async_api import Browser, expect

from tests.browser.conftest import WAIT_MS


# Keycloak builds itself on its first start (up to 5 minutes on two busy cores), then the
# services start: more than the default timeout, spent in the fixtures.
@pytest.mark.timeout(900)
async def test_a_demo_user_signs_in_through_keycloak_and_out_again(
    browser: Browser, keycloak_stack: dict[str, str]
):
    context = await browser.new_context(base_url=keycloak_stack["gateway"], locale="en")
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
