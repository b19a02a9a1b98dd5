"""The ops dashboard as people use it: sign in at the issuer, the live queue, a ticket and
one of its actions, the major-incident banner arriving in another browser without a
reload, tenant scope, and the three languages. (The requester's portal, and tenant scope
for the demo realm's users, are signed in at the real Keycloak: test_keycloak_flows.py.)
Each page's screenshot is kept in tests/browser/artifacts/."""

import re
from pathlib import Path

import httpx
from playwright.async_api import Browser, BrowserContext, Page, expect

from shared.testing.identity import LocalIssuer
from shared.testing.waiting import eventually
from tests.browser.conftest import WAIT_MS
from tests.e2e.test_walking_skeleton import submission

ENGINEER = {"X-Actor-Id": "li.wei", "X-Actor-Role": "field_engineer"}


async def signed_in(
    browser: Browser, gateway: str, username: str, lang: str = "en"
) -> tuple[BrowserContext, Page]:
    """A new browser (its own cookies) signed in through the issuer's login form."""
    context = await browser.new_context(
        base_url=gateway, locale=lang, viewport={"width": 1280, "height": 800}
    )
    page = await context.new_page()
    page.set_default_timeout(WAIT_MS)
    await page.goto("/ui/queue")
    await page.fill("#username", username)
    await page.fill("#password", "demo")
    await page.click("#kc-login")
    await page.wait_for_url(re.compile(r".*/ui/(queue|portal).*"))
    return context, page


async def registered(web_stack: dict[str, str], tenant: str, ref: str, **fields) -> dict:
    """A ticket registered at intake and assigned (to li.wei) by dispatch."""
    async with httpx.AsyncClient(base_url=web_stack["intake"], timeout=30) as intake:
        answer = await intake.post("/tickets", json=submission(tenant, ref) | fields)
    assert answer.status_code in (200, 201), answer.text
    ticket = answer.json()
    async with httpx.AsyncClient(base_url=web_stack["dispatch"], timeout=30) as dispatch:

        async def status() -> str | None:
            found = await dispatch.get(f"/work-orders/{ticket['ticket_id']}")
            return found.json().get("status") if found.status_code == 200 else None

        await eventually(status, lambda s: s == "assigned", timeout=WAIT_MS / 1000)
    return ticket


async def test_sign_in_queue_ticket_action_and_the_banner_in_another_browser(
    browser: Browser, web_stack, tenant, issuer: LocalIssuer, artifacts: Path
):
    issuer.add_user("li.wei", tenant, ["field_engineer"])
    issuer.add_user(f"supervisor.{tenant}", tenant, ["supervisor"])
    gateway = web_stack["gateway"]
    ticket = await registered(web_stack, tenant, "web-1", subject="宽带无法上网 web-1")
    number, tid = ticket["number"], ticket["ticket_id"]

    engineer, page = await signed_in(browser, gateway, "li.wei")
    row = page.locator(f'tr[data-ticket="{tid}"]')
    await expect(row).to_contain_text(number)
    await expect(row.locator(".status")).to_have_text("Assigned")
    await page.screenshot(path=artifacts / "queue.png", full_page=True)

    # A supervisor watching the queue in Chinese, in another browser.
    watcher, watching = await signed_in(browser, gateway, f"supervisor.{tenant}", "zh-CN")
    await expect(watching.locator("h1")).to_have_text("工单队列")
    await expect(watching.locator("#banner")).not_to_contain_text(number)

    async with httpx.AsyncClient(base_url=web_stack["dispatch"], timeout=30) as dispatch:
        upgraded = await dispatch.post(
            f"/work-orders/{tid}/upgrade-severity",
            json={"severity": "major", "reason": "whole district down"}, headers=ENGINEER,
        )  # fmt: skip
    assert upgraded.status_code == 200, upgraded.text
    alarm = watching.locator(f'#banner .alarm[data-ticket="{tid}"]')
    await expect(alarm).to_contain_text("重大故障,请立即处理")  # no reload: the live feed
    await expect(alarm).to_contain_text(number)
    # The row changed in place too.
    await expect(watching.locator(f'tr[data-ticket="{tid}"]')).to_contain_text("重大")
    await watching.screenshot(path=artifacts / "queue-banner-zh-CN.png", full_page=True)

    # The engineer opens the ticket and accepts it: the history shows it, the banner goes.
    await page.click(f'tr[data-ticket="{tid}"] a')
    await page.wait_for_url(f"**/ui/tickets/{tid}")
    await expect(page.locator("h1")).to_contain_text(number)
    await expect(page.locator("#history li").first).to_contain_text("Registered")
    await page.locator('form[data-command="accept"] button').click()
    await expect(page.locator(".done")).to_contain_text("Accept")
    await expect(page.locator('#history li[data-type="ticket.accepted"]')).to_have_count(1)
    await expect(page.locator("dd.status")).to_have_text("Accepted")
    await page.screenshot(path=artifacts / "ticket.png", full_page=True)
    await expect(alarm).to_have_count(0)

    # A command the status no longer allows is refused next to its form, nothing applied.
    await page.goto(f"/ui/tickets/{tid}")
    stale = page.locator('form[data-command="start"]')
    await expect(stale).to_have_count(1)
    async with httpx.AsyncClient(base_url=web_stack["dispatch"], timeout=30) as dispatch:
        started = await dispatch.post(f"/work-orders/{tid}/start", headers=ENGINEER)
    assert started.status_code == 200, started.text
    await stale.locator("button").click()
    refusal = page.locator('form[data-command="start"] .refusal')
    await expect(refusal).to_contain_text("409")
    await page.screenshot(path=artifacts / "ticket-refused.png", full_page=True)
    await engineer.close()
    await watcher.close()


async def test_another_tenant_sees_none_of_these_tickets(
    browser: Browser, web_stack, tenant, issuer: LocalIssuer, artifacts: Path
):
    other = f"{tenant}b"
    issuer.add_user(f"dispatcher.{tenant}", tenant, ["dispatcher"])
    issuer.add_user(f"dispatcher.{other}", other, ["dispatcher"])
    ticket = await registered(web_stack, tenant, "web-scope")
    gateway = web_stack["gateway"]

    mine, page = await signed_in(browser, gateway, f"dispatcher.{tenant}")
    await expect(page.locator(f'tr[data-ticket="{ticket["ticket_id"]}"]')).to_have_count(1)
    theirs, elsewhere = await signed_in(browser, gateway, f"dispatcher.{other}")
    await expect(elsewhere.locator("tbody#queue-rows")).to_contain_text("No tickets")
    await expect(elsewhere.locator(f'tr[data-ticket="{ticket["ticket_id"]}"]')).to_have_count(0)
    opened = await elsewhere.goto(f"/ui/tickets/{ticket['ticket_id']}")
    assert opened is not None
    assert opened.status == 404
    await expect(elsewhere.locator(".refusal")).to_have_text("No such ticket here.")
    await expect(elsewhere.locator("body")).not_to_contain_text(ticket["number"])
    await elsewhere.screenshot(path=artifacts / "other-tenant.png", full_page=True)
    await mine.close()
    await theirs.close()


async def test_the_language_follows_the_browser_and_the_switcher(
    browser: Browser, web_stack, tenant, issuer: LocalIssuer, artifacts: Path
):
    issuer.add_user(f"agent.{tenant}", tenant, ["agent"])
    context, page = await signed_in(browser, web_stack["gateway"], f"agent.{tenant}", "ru-RU")
    await expect(page.locator("h1")).to_have_text("Очередь")  # Accept-Language
    await expect(page.locator("html")).to_have_attribute("lang", "ru")
    await page.screenshot(path=artifacts / "queue-ru.png", full_page=True)
    for tag, heading in (("zh-CN", "工单队列"), ("en", "Queue"), ("ru", "Очередь")):
        await page.click(f'nav.languages a[data-lang="{tag}"]')
        await expect(page.locator("h1")).to_have_text(heading)
    await page.click('nav.languages a[data-lang="zh-CN"]')
    await page.goto("/ui/queue")  # the choice is remembered
    await expect(page.locator("h1")).to_have_text("工单队列")
    await expect(page.locator("header")).to_contain_text("退出登录")

    await page.locator("form.who button").click()  # sign out
    await expect(page.locator("h1")).to_have_text("已退出")
    await page.goto("/ui/queue")
    await expect(page.locator("#kc-login")).to_be_visible()  # back at the issuer
    await context.close()


async def test_the_reports_page_charts_the_tickets_opened_with_chart_js(
    browser: Browser, web_stack, tenant, issuer: LocalIssuer, artifacts: Path
):
    issuer.add_user(f"supervisor.{tenant}", tenant, ["supervisor"])
    ticket = await registered(web_stack, tenant, "report-1")
    supervisor = issuer.headers(tenant, ["supervisor"])
    async with httpx.AsyncClient(base_url=web_stack["gateway"], timeout=30) as gateway:

        async def read() -> int:
            found = await gateway.get(f"/tickets/{ticket['ticket_id']}", headers=supervisor)
            return found.status_code

        await eventually(read, lambda status: status == 200, timeout=WAIT_MS / 1000)
    context, page = await signed_in(browser, web_stack["gateway"], f"supervisor.{tenant}", "ru")
    await page.click('header a[href="/ui/reports"]')

    await expect(page.locator("h1")).to_have_text("Отчёты")
    await expect(page.locator("table.report tr.total")).to_contain_text("Итого")
    await expect(page.locator("select[name=by] option:checked")).to_have_text("По дням")
    await expect(page.locator("table.report tr.total th").nth(1)).to_have_text("1")
    drawn = await page.evaluate(
        "() => { const c = Chart.getChart('report-chart');"
        " return c ? c.data.datasets.map(d => d.data.reduce((a, b) => a + b, 0)) : null; }"
    )
    assert drawn == [1, 0, 1]  # opened, resolved, backlog (still open)
    await page.screenshot(path=artifacts / "reports-ru.png", full_page=True)
    await context.close()
