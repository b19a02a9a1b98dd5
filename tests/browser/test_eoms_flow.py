"""The ticket page's EOMS helpers and the cases that need a tenant of their own: an
overdue ticket's resolve form, which asks for the overdue reason (超时原因), under a tenant
SLA policy of two seconds; watch, unwatch and untag. The EOMS flow of seed 001 itself (an
on-site ticket accepted, transferred, resolved and confirmed, closed) and the portal are
clicked through signed in at the real Keycloak: test_keycloak_flows.py. Screenshots in
tests/browser/artifacts/."""

import re
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
from playwright.async_api import Browser, Page, expect

from shared.testing.identity import LocalIssuer
from shared.testing.waiting import eventually
from tests.browser.conftest import WAIT_MS
from tests.browser.test_dashboard import registered, signed_in

ALWAYS = {day: ["00:00-24:00"] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


async def dispatch_status(web_stack: dict[str, str], ticket_id: str, wanted: str) -> None:
    async with httpx.AsyncClient(base_url=web_stack["dispatch"], timeout=30) as dispatch:

        async def status() -> str | None:
            found = await dispatch.get(f"/work-orders/{ticket_id}")
            return found.json().get("status") if found.status_code == 200 else None

        await eventually(status, lambda s: s == wanted, timeout=WAIT_MS / 1000)


async def open_from_queue(page: Page, ticket_id: str, home: str = "/ui/queue") -> None:
    await page.goto(home)
    await page.locator(f'tr[data-ticket="{ticket_id}"] a').click()
    await page.wait_for_url(f"**/ui/tickets/{ticket_id}*")


async def wall_time(page: Page, form: str, hours_ahead: float) -> str:
    """A datetime-local value ``hours_ahead`` from now in the zone the form says it uses."""
    zone = await page.locator(f'form[data-form="{form}"] .zone').first.inner_text()
    at = datetime.now(ZoneInfo(zone)) + timedelta(hours=hours_ahead)
    return at.strftime("%Y-%m-%dT%H:%M")


async def accept_with_appointment(page: Page) -> None:
    form = page.locator('form[data-form="accept_onsite"]')
    await form.locator('input[name="appointment.starts_at"]').fill(
        await wall_time(page, "accept_onsite", 2)
    )
    await form.locator('input[name="appointment.ends_at"]').fill(
        await wall_time(page, "accept_onsite", 4)
    )
    await form.locator("button").click()
    await expect(page.locator(".done")).to_contain_text("Accept with an appointment")
    await expect(page.locator("dd.status")).to_have_text("Accepted")


async def test_an_overdue_tickets_resolve_form_requires_the_overdue_reason(
    browser: Browser, web_stack, tenant, issuer: LocalIssuer, artifacts: Path
):
    """The tenant's resolution target is two seconds of a 24×7 calendar: the SLA service
    breaches it at once, dispatch and the ticket view mark the ticket overdue."""
    issuer.add_user("li.wei", tenant, ["field_engineer"])
    policy = {"policy_id": "tiny", "targets": [{"metric": "resolution", "business_seconds": 2}]}
    async with httpx.AsyncClient(base_url=web_stack["sla"], timeout=30) as sla:
        calendar = await sla.put(
            f"/tenants/{tenant}/calendar", json={"zone": "UTC", "weekly": ALWAYS}
        )
        assert calendar.status_code == 200, calendar.text
        policies = await sla.put(f"/tenants/{tenant}/policies", json={"policies": [policy]})
        assert policies.status_code == 200, policies.text
    ticket = await registered(web_stack, tenant, "late-1")
    tid = ticket["ticket_id"]
    async with httpx.AsyncClient(base_url=web_stack["dispatch"], timeout=30) as dispatch:

        async def overdue() -> bool:
            found = await dispatch.get(f"/work-orders/{tid}")
            return found.status_code == 200 and found.json()["overdue"]

        await eventually(overdue, bool, timeout=WAIT_MS / 1000)

    context, page = await signed_in(browser, web_stack["gateway"], "li.wei")
    await open_from_queue(page, tid)
    await page.locator('form[data-form="accept"] button').click()  # not on site: a sign-off
    await expect(page.locator("dd.status")).to_have_text("Accepted")
    await page.locator('form[data-command="start"] button').click()
    await expect(page.locator("dd.status")).to_have_text("In progress")

    await expect(page.locator('form[data-form="resolve"]')).to_have_count(0)
    resolve = page.locator('form[data-form="resolve_overdue"]')
    reason = resolve.locator('textarea[name="overdue_reason"]')
    await expect(reason).to_have_attribute("required", "")
    await resolve.locator('textarea[name="cause"]').fill("core switch failure")
    await resolve.locator('textarea[name="solution"]').fill("replaced the line card")
    await resolve.locator('input[name="closure_code"]').fill("fixed")
    await resolve.locator("button").click()  # the browser keeps it: the reason is missing
    assert await reason.evaluate("el => el.validity.valueMissing")
    await expect(page.locator("dd.status")).to_have_text("In progress")
    await page.screenshot(path=artifacts / "resolve-overdue-form.png", full_page=True)

    await reason.fill("spare part came from the central store")
    await resolve.locator("button").click()
    await expect(page.locator("dd.status")).to_have_text("Resolved")
    await context.close()
    async with httpx.AsyncClient(base_url=web_stack["dispatch"], timeout=30) as dispatch:
        order = (await dispatch.get(f"/work-orders/{tid}")).json()
    assert order["resolution"]["overdue_reason"] == "spare part came from the central store"
    assert re.fullmatch("resolved|closed", order["status"])


async def test_watch_unwatch_and_untag_go_through_put_and_delete(
    browser: Browser, web_stack, tenant, issuer: LocalIssuer, artifacts: Path
):
    issuer.add_user("li.wei", tenant, ["field_engineer"])
    ticket = await registered(web_stack, tenant, "watch-1")
    tid = ticket["ticket_id"]
    context, page = await signed_in(browser, web_stack["gateway"], "li.wei")
    await open_from_queue(page, tid)

    await page.locator('form[data-command="watch"] button').click()
    await expect(page.locator(".done")).to_contain_text("Watch")
    await expect(page.locator('form[data-command="watch"]')).to_have_count(0)
    for name in ("光缆 cut", "vip"):
        tag = page.locator('form[data-command="tag"]')
        await tag.locator('input[name="tag"]').fill(name)
        await tag.locator("button").click()
        await expect(page.locator('form[data-command="untag"] option')).to_contain_text([name])
    await page.screenshot(path=artifacts / "ticket-watched-and-tagged.png", full_page=True)
    async with httpx.AsyncClient(base_url=web_stack["dispatch"], timeout=30) as dispatch:
        watched = (await dispatch.get(f"/work-orders/{tid}")).json()
    assert (watched["watchers"], watched["tags"]) == (["li.wei"], ["光缆 cut", "vip"])

    untag = page.locator('form[data-command="untag"]')
    await untag.locator("select").select_option("光缆 cut")
    await untag.locator("button").click()
    await expect(page.locator('form[data-command="untag"] option')).to_have_text(["vip"])
    await page.locator('form[data-command="unwatch"] button').click()
    await expect(page.locator('form[data-command="watch"]')).to_have_count(1)
    await context.close()
    async with httpx.AsyncClient(base_url=web_stack["dispatch"], timeout=30) as dispatch:
        order = (await dispatch.get(f"/work-orders/{tid}")).json()
    assert (order["watchers"], order["tags"]) == ([], ["vip"])
