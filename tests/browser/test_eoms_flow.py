"""The EOMS flow of seed 001 on the ticket page, by clicking only: a customer's on-site
ticket accepted with an appointment, transferred to a second engineer with a reason,
started, tagged and resolved by them, confirmed as solved on the customer's portal —
closed, each step in the history. And an overdue ticket's resolve form, which asks for
the overdue reason (超时原因). Screenshots in tests/browser/artifacts/."""

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
from tests.e2e.test_walking_skeleton import submission

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


async def test_the_eoms_flow_by_clicking_from_an_on_site_ticket_to_closed(
    browser: Browser, web_stack, tenant, issuer: LocalIssuer, artifacts: Path
):
    requester, second = f"requester.{tenant}", f"zhang.{tenant}"
    issuer.add_user("li.wei", tenant, ["field_engineer"])
    issuer.add_user(second, tenant, ["field_engineer"])
    issuer.add_user(requester, tenant, ["requester"])
    mine = issuer.headers(tenant, ["requester"], username=requester)
    wanted = submission(tenant, "eoms-1") | {"subject": "光猫无信号 eoms-1", "needs_onsite": True}
    async with httpx.AsyncClient(base_url=web_stack["gateway"], timeout=30) as gateway:
        created = await gateway.post("/tickets", json=wanted, headers=mine)
    assert created.status_code in (200, 201), created.text
    tid = created.json()["ticket_id"]
    await dispatch_status(web_stack, tid, "assigned")  # routed to li.wei

    engineer, page = await signed_in(browser, web_stack["gateway"], "li.wei")
    await open_from_queue(page, tid)
    await expect(page.locator('form[data-command="accept"]')).to_have_count(1)
    await expect(page.locator('form[data-form="accept"]')).to_have_count(0)  # on site
    await page.screenshot(path=artifacts / "eoms-accept-form.png", full_page=True)

    # A window in the past: dispatch's 422 beside the form, nothing applied.
    onsite = page.locator('form[data-form="accept_onsite"]')
    await onsite.locator('input[name="appointment.starts_at"]').fill(
        await wall_time(page, "accept_onsite", -30)
    )
    await onsite.locator('input[name="appointment.ends_at"]').fill(
        await wall_time(page, "accept_onsite", -28)
    )
    await onsite.locator("button").click()
    refusal = page.locator('form[data-form="accept_onsite"] .refusal')
    await expect(refusal).to_contain_text("422")
    await expect(refusal).to_contain_text("appointment.starts_at")
    await expect(page.locator("dd.status")).to_have_text("Assigned")
    await page.screenshot(path=artifacts / "eoms-accept-refused.png", full_page=True)

    await accept_with_appointment(page)
    await expect(page.locator('#history li[data-type="ticket.accepted"]')).to_have_count(1)

    transfer = page.locator('form[data-command="transfer"]')
    await transfer.locator('input[name="to_assignee"]').fill(second)
    await transfer.locator('textarea[name="reason"]').fill("光缆在他负责的片区")
    await transfer.locator("button").click()
    await expect(page.locator(".done")).to_contain_text("Transfer")
    await expect(page.locator("dd.status")).to_have_text("Assigned")
    transferred = page.locator('#history li[data-type="ticket.transferred"]')
    await expect(transferred).to_contain_text("光缆在他负责的片区")
    await page.screenshot(path=artifacts / "eoms-transferred.png", full_page=True)
    await engineer.close()

    # The second engineer, in another browser: accept (on site again), start, tag, resolve.
    other, page = await signed_in(browser, web_stack["gateway"], second)
    await open_from_queue(page, tid)
    await accept_with_appointment(page)
    await page.locator('form[data-command="start"] button').click()
    await expect(page.locator("dd.status")).to_have_text("In progress")

    tag = page.locator('form[data-command="tag"]')
    await tag.locator('input[name="tag"]').fill("fibre-cut")
    await tag.locator("button").click()
    await expect(page.locator(".done")).to_contain_text("Add a tag")
    await expect(page.locator('form[data-command="untag"] option')).to_have_text(["fibre-cut"])
    await expect(page.locator('#history li[data-type="ticket.tagged"]')).to_have_count(1)

    resolve = page.locator('form[data-form="resolve"]')
    await expect(resolve.locator('textarea[name="overdue_reason"]')).to_have_count(0)
    await resolve.locator('textarea[name="cause"]').fill("分光器端口光纤断裂")
    await resolve.locator('textarea[name="solution"]').fill("重新熔接")
    await resolve.locator('input[name="closure_code"]').fill("fixed")
    await page.screenshot(path=artifacts / "eoms-resolve-form.png", full_page=True)
    await resolve.locator("button").click()
    await expect(page.locator("dd.status")).to_have_text("Resolved")
    await expect(page.locator('#history li[data-type="ticket.resolved"]')).to_have_count(1)
    await other.close()

    # The customer who asked confirms it on the portal: closed.
    customer, page = await signed_in(browser, web_stack["gateway"], requester)
    await open_from_queue(page, tid, "/ui/portal")
    await expect(page.locator('form[data-command="transfer"]')).to_have_count(0)
    await expect(page.locator('form[data-form="escalate_customer"]')).to_have_count(0)
    await page.locator('form[data-command="confirm"] button').click()
    await expect(page.locator(".done")).to_contain_text("This is solved")
    await expect(page.locator("dd.status")).to_have_text("Closed")
    history = page.locator("#history li")
    await expect(page.locator('#history li[data-type="ticket.closed"]')).to_have_count(1)
    types = await history.evaluate_all("ls => ls.map(l => l.dataset.type)")
    steps = [t for t in types if t in {
        "ticket.registered", "ticket.accepted", "ticket.transferred", "ticket.tagged",
        "ticket.resolved", "ticket.closed",
    }]  # fmt: skip
    assert steps == [
        "ticket.registered",
        "ticket.accepted",
        "ticket.transferred",
        "ticket.accepted",
        "ticket.tagged",
        "ticket.resolved",
        "ticket.closed",
    ], types
    assert types.count("ticket.status_changed") >= 5  # assigned, accepted ×2, started …
    await page.screenshot(path=artifacts / "eoms-closed-portal.png", full_page=True)
    await customer.close()

    async with httpx.AsyncClient(base_url=web_stack["dispatch"], timeout=30) as dispatch:
        order = (await dispatch.get(f"/work-orders/{tid}")).json()
    assert (order["assignee"], order["tags"], order["status"]) == (second, ["fibre-cut"], "closed")
    assert order["resolution"]["solution"] == "重新熔接"


async def test_the_requester_escalates_with_a_reason_and_writes_to_the_desk(
    browser: Browser, web_stack, tenant, issuer: LocalIssuer, artifacts: Path
):
    requester = f"requester.{tenant}"
    issuer.add_user(requester, tenant, ["requester"])
    mine = issuer.headers(tenant, ["requester"], username=requester)
    async with httpx.AsyncClient(base_url=web_stack["gateway"], timeout=30) as gateway:
        created = await gateway.post("/tickets", json=submission(tenant, "esc-1"), headers=mine)
    assert created.status_code in (200, 201), created.text
    tid = created.json()["ticket_id"]
    await dispatch_status(web_stack, tid, "assigned")

    context, page = await signed_in(browser, web_stack["gateway"], requester, "zh-CN")
    await open_from_queue(page, tid, "/ui/portal")
    message = page.locator('form[data-form="portal_message_customer"]')
    await message.locator('textarea[name="body"]').fill("下午三点后家里有人")
    await message.locator("button").click()
    await expect(page.locator(".done")).to_contain_text("给服务台留言")

    escalate = page.locator('form[data-form="escalate_customer"]')
    await expect(escalate.locator('select[name="reason"] option')).to_have_count(7)
    await expect(escalate.locator('input[name="assignee"]')).to_have_count(0)
    await escalate.locator('select[name="reason"]').select_option("sla_at_risk")
    await escalate.locator('textarea[name="note"]').fill("已经断网两天")
    await page.screenshot(path=artifacts / "portal-escalate-zh-CN.png", full_page=True)
    await escalate.locator("button").click()
    await expect(page.locator(".done")).to_contain_text("升级")
    await expect(page.locator("dd.status")).to_have_text("已升级")
    await expect(page.locator('form[data-command="cancel"]')).to_have_count(1)
    await page.screenshot(path=artifacts / "portal-escalated-zh-CN.png", full_page=True)
    await context.close()

    async with httpx.AsyncClient(base_url=web_stack["dispatch"], timeout=30) as dispatch:
        order = (await dispatch.get(f"/work-orders/{tid}")).json()
        history = (await dispatch.get(f"/work-orders/{tid}/history")).json()
    assert (order["status"], order["support_line"]) == ("escalated", "L2")
    assert [h["reason"] for h in history if h["command"] == "escalate"] == ["sla_at_risk"]
    assert any(h["command"] == "portal_message" for h in history)


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
