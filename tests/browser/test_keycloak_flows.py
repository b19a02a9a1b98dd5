"""The EOMS flow (seed 001), the requester's portal (seed 004) and tenant scope in a real
browser, every person signed in at the real Keycloak's own login form (``#kc-login``) with
the demo realm's users: ``requester.demo`` registers, ``li.wei`` (whom demo's routing rule
assigns incidents to) accepts and transfers, ``field-engineer.demo`` works and resolves,
the requester confirms or escalates, and ``demo-postal``'s people (the realm's second
tenant) see none of ``demo``'s tickets on any page.

Keycloak and the stack are shared by the session (other tests sign the same users in and
make tickets in the same tenants): every test makes its own tickets, with a unique search
token in the subject and reference, and asserts on those only. Screenshots in
tests/browser/artifacts/."""

import re
from uuid import uuid4

import httpx
import pytest
from playwright.async_api import Browser, Page, Response, expect

from deploy.local.keycloak import KeycloakConfig
from deploy.local.sign_in import sign_in
from tests.browser.conftest import keycloak_signed_in
from tests.browser.test_eoms_flow import (
    accept_with_appointment,
    dispatch_status,
    open_from_queue,
    wall_time,
)
from tests.e2e.test_walking_skeleton import submission

# Keycloak builds itself on its first start (minutes on two busy cores), in the fixtures of
# whichever test needs it first.
pytestmark = pytest.mark.timeout(900)
# The demo realm's tenants (deploy/local/keycloak/realm-ticketflow.json).
DEMO, POSTAL = "demo", "demo-postal"


def status(response: Response | None) -> int | None:
    return response.status if response is not None else None


def unique(prefix: str) -> str:
    """A reference that is also one search token (letters and digits only)."""
    return f"{prefix}{uuid4().hex[:10]}"


async def bearer(keycloak: KeycloakConfig, username: str) -> dict[str, str]:
    """Headers with ``username``'s access token, from Keycloak's login form."""
    return {"Authorization": f"Bearer {await sign_in(keycloak.issuer, username)}"}


async def submitted(
    stack: dict[str, str], keycloak: KeycloakConfig, who: str, tenant: str, ref: str, **fields
) -> dict:
    """A ticket ``who`` registered through the gateway with their Keycloak token, once
    dispatch has routed it (demo's incidents to li.wei)."""
    wanted = submission(tenant, ref) | fields
    async with httpx.AsyncClient(base_url=stack["gateway"], timeout=30) as gateway:
        created = await gateway.post("/tickets", json=wanted, headers=await bearer(keycloak, who))
    assert created.status_code in (200, 201), created.text
    ticket = dict(created.json())
    await dispatch_status(stack, ticket["ticket_id"], "assigned")
    return ticket


async def test_the_eoms_flow_signed_in_at_keycloak_from_an_on_site_ticket_to_closed(
    browser: Browser, keycloak_stack: dict[str, str], keycloak: KeycloakConfig, artifacts
):
    """A customer's on-site ticket accepted with an appointment, transferred to a second
    engineer with a reason, started, tagged and resolved by them, confirmed as solved on
    the customer's portal — closed, each step in the history, each by the person whose
    Keycloak token the gateway verified."""
    mark, gateway = unique("eoms"), keycloak_stack["gateway"]
    wanted = {"subject": f"光猫无信号 {mark}", "needs_onsite": True}
    ticket = await submitted(keycloak_stack, keycloak, "requester.demo", DEMO, mark, **wanted)
    tid, found = ticket["ticket_id"], f"/ui/queue?q={mark}"

    engineer, page = await keycloak_signed_in(browser, gateway, "li.wei")
    await open_from_queue(page, tid, found)
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
    await transfer.locator('input[name="to_assignee"]').fill("field-engineer.demo")
    await transfer.locator('textarea[name="reason"]').fill("光缆在他负责的片区")
    await transfer.locator("button").click()
    await expect(page.locator(".done")).to_contain_text("Transfer")
    await expect(page.locator("dd.status")).to_have_text("Assigned")
    transferred = page.locator('#history li[data-type="ticket.transferred"]')
    await expect(transferred).to_contain_text("光缆在他负责的片区")
    await page.screenshot(path=artifacts / "eoms-transferred.png", full_page=True)
    await engineer.close()

    # The second engineer, in another browser: accept (on site again), start, tag, resolve.
    other, page = await keycloak_signed_in(browser, gateway, "field-engineer.demo")
    await open_from_queue(page, tid, found)
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
    customer, page = await keycloak_signed_in(browser, gateway, "requester.demo")
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

    async with httpx.AsyncClient(base_url=keycloak_stack["dispatch"], timeout=30) as dispatch:
        order = (await dispatch.get(f"/work-orders/{tid}")).json()
        logged = (await dispatch.get(f"/work-orders/{tid}/history")).json()
    assert (order["assignee"], order["tags"], order["status"]) == (
        "field-engineer.demo", ["fibre-cut"], "closed",
    )  # fmt: skip
    assert order["resolution"]["solution"] == "重新熔接"
    # The actors dispatch recorded are the people Keycloak signed in, with their roles.
    done = [(h["command"], h["actor_id"], h["actor_role"]) for h in logged]
    for step in (
        ("accept", "li.wei", "field_engineer"),
        ("transfer", "li.wei", "field_engineer"),
        ("accept", "field-engineer.demo", "field_engineer"),
        ("resolve", "field-engineer.demo", "field_engineer"),
        ("confirm", "requester.demo", "requester"),
    ):
        assert step in done, done


async def test_a_requester_signed_in_at_keycloak_follows_their_tickets_on_the_portal(
    browser: Browser, keycloak_stack: dict[str, str], keycloak: KeycloakConfig, artifacts
):
    """The portal (seed 004) in Chinese: only the requester's own tickets; on one, a
    message to the desk, an urge and an escalation with a reason; another one canceled."""
    gateway = keycloak_stack["gateway"]
    first, second = unique("portal"), unique("portal")
    mine = await submitted(keycloak_stack, keycloak, "requester.demo", DEMO, first,
                           subject=f"宽带无法上网 {first}")  # fmt: skip
    dropped = await submitted(keycloak_stack, keycloak, "requester.demo", DEMO, second,
                              subject=f"IPTV 花屏 {second}")  # fmt: skip
    # Registered by the call centre for somebody else: not this requester's.
    theirs = await submitted(keycloak_stack, keycloak, "agent.demo", DEMO, unique("portal"))
    tid = mine["ticket_id"]

    context, page = await keycloak_signed_in(browser, gateway, "requester.demo", "zh-CN")
    await page.goto("/ui/portal")
    await expect(page.locator("h1")).to_have_text("我的工单")
    await expect(page.locator(f'tr[data-ticket="{tid}"]')).to_contain_text(mine["number"])
    await expect(page.locator(f'tr[data-ticket="{dropped["ticket_id"]}"]')).to_have_count(1)
    await expect(page.locator(f'tr[data-ticket="{theirs["ticket_id"]}"]')).to_have_count(0)
    await expect(page.locator("#banner")).to_have_count(0)  # staff only
    await page.screenshot(path=artifacts / "portal-keycloak-zh-CN.png", full_page=True)
    refused = await page.goto(f"/ui/tickets/{theirs['ticket_id']}")
    assert status(refused) == 404

    await open_from_queue(page, tid, "/ui/portal")
    await expect(page.locator('form[data-command="accept"]')).to_have_count(0)
    await expect(page.locator('form[data-command="transfer"]')).to_have_count(0)
    message = page.locator('form[data-form="portal_message_customer"]')
    await message.locator('textarea[name="body"]').fill("下午三点后家里有人")
    await message.locator("button").click()
    await expect(page.locator(".done")).to_contain_text("给服务台留言")

    urge = page.locator('form[data-form="urge"]')
    await urge.locator('textarea[name="note"]').fill("请尽快上门")
    await urge.locator("button").click()
    await expect(page.locator(".done")).not_to_contain_text("给服务台留言")

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

    # The other one, in English (the switcher), canceled.
    await page.click('nav.languages a[data-lang="en"]')
    await open_from_queue(page, dropped["ticket_id"], "/ui/portal")
    cancel = page.locator('form[data-command="cancel"]')
    await cancel.locator("textarea").fill("solved it myself")
    await cancel.locator("button").click()
    await expect(page.locator(".done")).to_contain_text("Cancel the ticket")
    await expect(page.locator("dd.status")).to_have_text(re.compile("Canceled|Closed"))
    await page.screenshot(path=artifacts / "portal-ticket.png", full_page=True)
    await context.close()

    async with httpx.AsyncClient(base_url=keycloak_stack["dispatch"], timeout=30) as dispatch:
        order = (await dispatch.get(f"/work-orders/{tid}")).json()
        history = (await dispatch.get(f"/work-orders/{tid}/history")).json()
        canceled = (await dispatch.get(f"/work-orders/{dropped['ticket_id']}")).json()
    assert (order["status"], order["support_line"]) == ("escalated", "L2")
    assert [h["reason"] for h in history if h["command"] == "escalate"] == ["sla_at_risk"]
    by_requester = {h["command"] for h in history if h["actor_id"] == "requester.demo"}
    assert {"portal_message", "urge", "escalate"} <= by_requester, history
    assert canceled["status"] in ("canceled", "closed")


async def _tickets_of(gateway: str, headers: dict[str, str]) -> list[dict]:
    """Every ticket the caller's tenant has in the gateway's read model, page by page."""
    found: list[dict] = []
    after: str | None = None
    async with httpx.AsyncClient(base_url=gateway, timeout=30) as client:
        while True:
            params = {"limit": "200"} | ({"after": after} if after else {})
            answer = await client.get("/tickets", params=params, headers=headers)
            assert answer.status_code == 200, answer.text
            body = answer.json()
            found += body["items"]
            after = body["next"]
            if not after:
                return found


async def _shows_none_of(page: Page, ids: set[str], texts: list[str], where: str) -> None:
    """Neither a link to, a row of, nor the number or subject of any of those tickets."""
    linked = await page.locator("[data-ticket], a[href*='/ui/tickets/']").evaluate_all(
        "els => els.map(e => e.dataset.ticket || e.getAttribute('href'))"
    )
    leaked = [x for x in linked if any(i in x for i in ids)]
    assert leaked == [], f"{where} shows tenant A's {leaked}"
    body = await page.locator("body").inner_text()
    assert [t for t in texts if t in body] == [], f"{where} shows tenant A's tickets"


async def test_tenant_b_users_see_none_of_tenant_as_tickets_on_any_page(
    browser: Browser, keycloak_stack: dict[str, str], keycloak: KeycloakConfig, artifacts
):
    """demo-postal's dispatcher, supervisor and requester, signed in at Keycloak, against
    every ticket demo has (this test's, and whatever other tests left there): not in the
    queue or its search, any view, the clusters, quality pages, reports or exports, not
    arriving over the live feed, and a 404 for each of its pages — while their own tenant's
    ticket is there."""
    gateway = keycloak_stack["gateway"]
    mark_a, mark_b = unique("scopea"), unique("scopeb")
    a = await submitted(keycloak_stack, keycloak, "requester.demo", DEMO, mark_a,
                        subject=f"宽带无法上网 {mark_a}")  # fmt: skip
    b = await submitted(keycloak_stack, keycloak, "requester.demo-postal", POSTAL, mark_b,
                        subject=f"Посылка задерживается {mark_b}")  # fmt: skip

    # demo's dispatcher sees theirs (in the read model); demo-postal's sees theirs.
    home, page_a = await keycloak_signed_in(browser, gateway, "dispatcher.demo")
    await page_a.goto(f"/ui/queue?q={mark_a}")
    await expect(page_a.locator(f'tr[data-ticket="{a["ticket_id"]}"]')).to_have_count(1)
    away, page_b = await keycloak_signed_in(browser, gateway, "dispatcher.demo-postal")
    await page_b.goto(f"/ui/queue?q={mark_b}")
    own = page_b.locator(f'tr[data-ticket="{b["ticket_id"]}"]')
    await expect(own).to_contain_text(b["number"])
    await page_b.goto("/ui/queue")
    await expect(page_b.locator(f'tr[data-ticket="{b["ticket_id"]}"]')).to_have_count(1)

    # A's ticket becomes a major incident: A's open queue shows the banner over the live
    # feed; B's open queue gets neither the banner nor the row.
    engineer = {"X-Actor-Id": "li.wei", "X-Actor-Role": "field_engineer"}
    async with httpx.AsyncClient(base_url=keycloak_stack["dispatch"], timeout=30) as dispatch:
        upgraded = await dispatch.post(
            f"/work-orders/{a['ticket_id']}/upgrade-severity",
            json={"severity": "major", "reason": "whole district down"}, headers=engineer,
        )  # fmt: skip
    assert upgraded.status_code == 200, upgraded.text
    await page_a.goto("/ui/queue")
    alarm = page_a.locator(f'#banner .alarm[data-ticket="{a["ticket_id"]}"]')
    await expect(alarm).to_contain_text(a["number"])
    await expect(page_b.locator(f'#banner .alarm[data-ticket="{a["ticket_id"]}"]')).to_have_count(0)
    await expect(page_b.locator(f'tr[data-ticket="{a["ticket_id"]}"]')).to_have_count(0)

    everything_a = await _tickets_of(gateway, await bearer(keycloak, "supervisor.demo"))
    ids = {t["ticket_id"] for t in everything_a}
    assert a["ticket_id"] in ids
    assert b["ticket_id"] not in ids
    texts = [mark_a] + [t["number"] for t in everything_a]
    await _shows_none_of(page_b, ids, texts, "the queue")
    await page_b.goto(f"/ui/queue?q={mark_a}")
    await expect(page_b.locator("tbody#queue-rows")).to_contain_text("No tickets")
    await _shows_none_of(page_b, ids, texts, "the queue searched for A's ticket")
    await page_b.screenshot(path=artifacts / "other-tenant-keycloak.png", full_page=True)

    # Every page demo-postal's supervisor (who may read the most) reaches from the menus.
    boss, page = await keycloak_signed_in(browser, gateway, "supervisor.demo-postal")
    hrefs = "els => els.map(e => e.getAttribute('href')).filter(h => h.startsWith('/ui/'))"
    pages = await page.locator("header.top nav a").evaluate_all(hrefs)
    await page.goto("/ui/qc")
    pages += await page.locator("nav.qc-sections a").evaluate_all(hrefs)
    pages += [f"/ui/reports?by={by}" for by in ("assignee", "group", "status", "region")]
    assert {"/ui/queue", "/ui/clusters", "/ui/reports", "/ui/me/preferences"} <= set(pages)
    assert len([p for p in pages if p.startswith("/ui/views/")]) >= 5, pages
    assert len([p for p in pages if p.startswith("/ui/qc/")]) >= 1, pages
    for path in dict.fromkeys(pages):
        shown = await page.goto(path)
        assert status(shown) == 200, (path, shown and shown.status)
        await _shows_none_of(page, ids, texts, path)
        if path.startswith("/ui/reports?by="):  # A's tickets are li.wei's, network-ops'
            body = await page.locator("main").inner_text()
            assert "li.wei" not in body, (path, body)
            assert "network-ops" not in body, (path, body)
    for export in ("/ui/queue/export?format=csv", "/ui/views/history/export?format=csv",
                   "/ui/views/major-and-urgent/export?format=csv"):  # fmt: skip
        got = await page.request.get(export)
        assert got.status == 200, (export, got.status)
        assert [t for t in texts if t in await got.text()] == [], export

    # And each of A's ticket's own pages, asked for by its id: not found, nothing shown.
    tid = a["ticket_id"]
    opened = await page.goto(f"/ui/tickets/{tid}")
    assert status(opened) == 404
    await expect(page.locator(".refusal")).to_be_visible()
    await _shows_none_of(page, set(), texts, "A's ticket page")
    for part in ("facts", "history", "panels/messages", "panels/sla", "panels/attachments"):
        got = await page.request.get(f"/ui/tickets/{tid}/{part}")
        assert got.status == 404, (part, got.status)
        assert [t for t in (mark_a, a["number"]) if t in await got.text()] == [], part
    inspected = await page.goto(f"/ui/qc/inspections?ticket={tid}")
    assert status(inspected) == 404
    await boss.close()

    # demo-postal's requester: their own ticket on the portal, not A's.
    customer, portal = await keycloak_signed_in(browser, gateway, "requester.demo-postal")
    await expect(portal.locator(f'tr[data-ticket="{b["ticket_id"]}"]')).to_have_count(1)
    await _shows_none_of(portal, ids, texts, "the portal")
    refused = await portal.goto(f"/ui/tickets/{tid}")
    assert status(refused) == 404
    await customer.close()
    await home.close()
    await away.close()

    # Through the API too, with the same tokens: B's lists hold none of A's.
    everything_b = await _tickets_of(gateway, await bearer(keycloak, "supervisor.demo-postal"))
    assert b["ticket_id"] in {t["ticket_id"] for t in everything_b}
    assert ids.isdisjoint(t["ticket_id"] for t in everything_b)
