"""The saved views, exports, paging and outage clusters as the back office uses them: a
ticket in its assignee's to-do and, sent back, in the dispatch-centre queue; a quarantined
ticket released from the quarantine page; the queue's CSV and XLSX exports and its next
page; a cluster of nearby complaints given a parent incident. Screenshots in
tests/browser/artifacts/."""

import asyncio
import csv
import io
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import httpx
from playwright.async_api import Browser, Page, expect

from shared.testing.identity import LocalIssuer
from shared.testing.waiting import eventually
from tests.browser.conftest import WAIT_MS
from tests.browser.test_dashboard import ENGINEER, registered, signed_in
from tests.e2e.test_outage_cluster import complaint
from tests.e2e.test_walking_skeleton import submission

AGENT = {"X-Actor-Id": "wang.agent", "X-Actor-Role": "agent"}


async def _in_read_model(web_stack: dict[str, str], issuer: LocalIssuer, tenant: str,
                         ticket_id: str, status: str) -> None:  # fmt: skip
    """Wait until the gateway's read model shows the ticket in ``status``."""
    reader = issuer.headers(tenant, ["supervisor"])
    async with httpx.AsyncClient(base_url=web_stack["gateway"], timeout=30) as gateway:

        async def seen() -> str | None:
            found = await gateway.get(f"/tickets/{ticket_id}", headers=reader)
            return found.json().get("status") if found.status_code == 200 else None

        await eventually(seen, lambda s: s == status, timeout=WAIT_MS / 1000)


async def _open_view(page: Page, name: str) -> None:
    """Through the navigation's Views menu, as a person would."""
    await page.locator("details.views-menu summary").click()
    await page.locator(f'details.views-menu a[data-view="{name}"]').click()
    await page.wait_for_url(f"**/ui/views/{name}")


async def test_a_ticket_is_in_its_assignees_to_do_and_sent_back_in_the_dispatch_centre_queue(
    browser: Browser, web_stack, tenant, issuer: LocalIssuer, artifacts: Path
):
    issuer.add_user("li.wei", tenant, ["field_engineer"])
    issuer.add_user(f"dispatcher.{tenant}", tenant, ["dispatcher"])
    gateway = web_stack["gateway"]
    mine = await registered(web_stack, tenant, "todo-1", subject="宽带无法上网 todo-1")
    other = await registered(web_stack, tenant, "todo-2", subject="IPTV 花屏 todo-2")

    engineer, page = await signed_in(browser, gateway, "li.wei")
    # The Views menu links what the role may read: extensions are the report readers'.
    await expect(page.locator('details.views-menu a[data-view="extensions"]')).to_have_count(0)
    await page.locator("details.views-menu summary").click()
    await expect(page.locator('details.views-menu a[data-view="my-todo"]')).to_be_visible()
    await page.screenshot(path=artifacts / "views-menu.png")
    await page.locator("details.views-menu summary").click()  # closed again
    await _open_view(page, "my-todo")
    await expect(page.locator("h1")).to_have_text("My to-do")
    row = page.locator(f'tr[data-ticket="{mine["ticket_id"]}"]')
    await expect(row).to_contain_text(mine["number"])
    await expect(row.locator(".status")).to_have_text("Assigned")
    await page.screenshot(path=artifacts / "views-my-todo.png", full_page=True)

    dispatcher, desk = await signed_in(browser, gateway, f"dispatcher.{tenant}", "zh-CN")
    await _open_view(desk, "dispatch-centre-queue")
    await expect(desk.locator("h1")).to_have_text("派单中心待派")
    await expect(desk.locator(f'tr[data-ticket="{other["ticket_id"]}"]')).to_have_count(0)
    # The engineer sends it back to the centre: it arrives in the open page, no reload.
    async with httpx.AsyncClient(base_url=web_stack["dispatch"], timeout=30) as dispatch:
        back = await dispatch.post(f"/work-orders/{other['ticket_id']}/transfer",
                                   json={"reason": "not my area"}, headers=ENGINEER)  # fmt: skip
    assert back.status_code == 200, back.text
    arrived = desk.locator(f'tr[data-ticket="{other["ticket_id"]}"]')
    await expect(arrived).to_contain_text(other["number"])
    await expect(arrived.locator(".status")).to_have_text("新建")
    await expect(desk.locator(f'tr[data-ticket="{mine["ticket_id"]}"]')).to_have_count(0)
    await desk.screenshot(path=artifacts / "views-dispatch-centre-zh-CN.png", full_page=True)
    # And it has left the engineer's to-do.
    await page.reload()
    await expect(page.locator(f'tr[data-ticket="{other["ticket_id"]}"]')).to_have_count(0)
    await expect(page.locator(f'tr[data-ticket="{mine["ticket_id"]}"]')).to_have_count(1)
    await engineer.close()
    await dispatcher.close()


async def test_a_quarantined_ticket_is_released_from_the_quarantine_page(
    browser: Browser, web_stack, tenant, issuer: LocalIssuer, artifacts: Path
):
    issuer.add_user(f"dispatcher.{tenant}", tenant, ["dispatcher"])
    async with httpx.AsyncClient(base_url=web_stack["intake"], timeout=30) as intake:
        config = await intake.put(
            f"/tenants/{tenant}/config", json={"quarantine_unknown_contacts": True}
        )
        assert config.status_code == 200, config.text
        held = (await intake.post("/tickets", json=submission(tenant, "held-1"))).json()
    assert held["status"] == "quarantined"
    tid = held["ticket_id"]
    await _in_read_model(web_stack, issuer, tenant, tid, "quarantined")

    context, page = await signed_in(browser, web_stack["gateway"], f"dispatcher.{tenant}")
    await _open_view(page, "quarantine")
    row = page.locator(f'tr[data-ticket="{tid}"]')
    await expect(row.locator(".status")).to_have_text("Quarantined")
    await page.screenshot(path=artifacts / "views-quarantine.png", full_page=True)
    await row.locator("form.release button").click()

    await expect(page.locator(".done")).to_contain_text(f"Released: {held['number']}")
    await expect(page.locator(f'tr[data-ticket="{tid}"]')).to_have_count(0)  # live
    await _in_read_model(web_stack, issuer, tenant, tid, "assigned")  # dispatch routed it
    await page.screenshot(path=artifacts / "views-quarantine-released.png", full_page=True)
    # Released already: a second release is refused on the page, nothing half-done.
    answer = await page.request.post(
        f"/ui/tickets/{tid}/release",
        form={"csrf": await page.locator("form.who input[name=csrf]").input_value()},
    )
    assert answer.status == 409
    assert "not in quarantine" in await answer.text()
    await context.close()


async def test_the_queue_exports_csv_and_xlsx_and_pages_on_with_the_cursor(
    browser: Browser, web_stack, tenant, issuer: LocalIssuer, artifacts: Path
):
    issuer.add_user(f"dispatcher.{tenant}", tenant, ["dispatcher"])
    words = ("alpha", "bravo", "charlie")
    tickets = [await registered(web_stack, tenant, f"page-{i}", subject=f"光猫掉线 {word}")
               for i, word in enumerate(words)]  # fmt: skip
    context, page = await signed_in(browser, web_stack["gateway"], f"dispatcher.{tenant}")

    await page.goto("/ui/queue?size=2")
    rows = page.locator("tbody#queue-rows tr[data-ticket]")
    await expect(rows).to_have_count(2)
    await expect(rows.first).to_contain_text(tickets[2]["number"])  # newest first
    await page.screenshot(path=artifacts / "queue-paged.png", full_page=True)
    await page.locator("nav.pager a.next-page").click()
    await expect(rows).to_have_count(1)
    await expect(rows.first).to_contain_text(tickets[0]["number"])
    await expect(page.locator("nav.pager a.next-page")).to_have_count(0)
    await page.locator("nav.pager a.first-page").click()
    await expect(rows).to_have_count(2)

    # The filter form narrows it; the exports carry the filter, not the page.
    await page.fill("form.filters input[name=q]", "bravo")
    await page.select_option("form.filters select[name=priority]", tickets[1]["priority"])
    await page.locator("form.filters button").click()
    await expect(rows).to_have_count(1)
    async with page.expect_download() as got:
        await page.locator('a.export[data-format="csv"]').click()
    table = list(csv.reader(io.StringIO((await _bytes(got)).decode("utf-8"))))
    assert table[0][0] == "Number"
    assert [line[0] for line in table[1:]] == [tickets[1]["number"]]
    async with page.expect_download() as got:
        await page.locator('a.export[data-format="xlsx"]').click()
    workbook = await _bytes(got)
    assert workbook[:4] == b"PK\x03\x04"  # an OOXML zip
    with zipfile.ZipFile(io.BytesIO(workbook)) as book:
        assert "xl/worksheets/sheet1.xml" in book.namelist()
        strings = book.read("xl/sharedStrings.xml").decode()
    assert tickets[1]["number"] in strings
    assert tickets[0]["number"] not in strings
    await page.screenshot(path=artifacts / "queue-filtered.png", full_page=True)
    await context.close()


async def _bytes(got) -> bytes:
    download = await got.value
    path = await download.path()
    assert path is not None
    return await asyncio.to_thread(Path(path).read_bytes)


async def test_a_cluster_of_nearby_complaints_shows_and_gets_its_parent_incident(
    browser: Browser, web_stack, tenant, issuer: LocalIssuer, artifacts: Path
):
    issuer.add_user(f"dispatcher.{tenant}", tenant, ["dispatcher"])
    context, page = await signed_in(browser, web_stack["gateway"], f"dispatcher.{tenant}", "ru")
    await page.click('header a[href="/ui/clusters"]')
    await expect(page.locator("h1")).to_have_text("Массовые аварии")
    await expect(page.locator("p.empty")).to_be_visible()

    # The default rule: 5 complaints of one service within 2 km within an hour.
    async with httpx.AsyncClient(base_url=web_stack["intake"], timeout=30) as intake:
        children = [(await intake.post("/tickets", json=complaint(tenant, i), headers=AGENT))
                    .json() for i in range(5)]  # fmt: skip
    cluster = page.locator("section.cluster")
    await expect(cluster).to_have_count(1)  # arrives in the open page
    for child in children:
        await expect(cluster.locator(f'tr[data-ticket="{child["ticket_id"]}"]')).to_have_count(1)
    await page.screenshot(path=artifacts / "clusters-ru.png", full_page=True)

    parent = await registered(web_stack, tenant, "outage-parent", subject="光交箱故障 建国路")
    form = cluster.locator("form.link-parent")
    await form.locator("input[name=number]").fill("NO-SUCH-1")
    await form.locator("button").click()
    await expect(page.locator("form.link-parent .refusal")).to_contain_text("422")
    form = page.locator("section.cluster form.link-parent")
    await form.locator("input[name=number]").fill(parent["number"])
    await form.locator("button").click()
    await expect(page.locator(".done")).to_contain_text(parent["number"])
    await expect(page.locator("section.cluster .parent")).to_contain_text(parent["number"])
    await page.screenshot(path=artifacts / "clusters-parent-ru.png", full_page=True)
    await context.close()


async def test_dispatchs_own_queues_show_for_the_roles_that_may_read_them(
    browser: Browser, web_stack, tenant, issuer: LocalIssuer, artifacts: Path
):
    issuer.add_user("li.wei", tenant, ["field_engineer"])
    issuer.add_user(f"supervisor.{tenant}", tenant, ["supervisor"])
    ticket = await registered(web_stack, tenant, "tracked-1", subject="回访跟踪 tracked-1")
    today = datetime.now(UTC).date().isoformat()
    resolve = {"cause": "光猫重启", "solution": "已恢复", "closure_code": "FIXED",
               "follow_up": {"on": today, "note": "call back"}}  # fmt: skip
    async with httpx.AsyncClient(base_url=web_stack["dispatch"], timeout=30) as dispatch:
        for command, body in (("accept", {}), ("start", {}), ("resolve", resolve)):
            done = await dispatch.post(f"/work-orders/{ticket['ticket_id']}/{command}",
                                       json=body, headers=ENGINEER)  # fmt: skip
            assert done.status_code == 200, (command, done.text)

    engineer, page = await signed_in(browser, web_stack["gateway"], "li.wei")
    await _open_view(page, "tracked")
    await expect(page.locator("h1")).to_have_text("My tracked tickets")
    row = page.locator(f'tr[data-ticket="{ticket["ticket_id"]}"]')
    await expect(row).to_contain_text(ticket["number"])
    await expect(row.locator(".status")).to_have_text("Resolved")
    await expect(page.locator("form.filters")).to_have_count(0)  # dispatch's list, as it is
    await page.screenshot(path=artifacts / "views-tracked.png", full_page=True)
    refused = await page.goto("/ui/views/extensions")  # not linked, and refused
    assert refused is not None
    assert refused.status == 403

    lead, desk = await signed_in(browser, web_stack["gateway"], f"supervisor.{tenant}")
    await _open_view(desk, "extensions")
    await expect(desk.locator("h1")).to_have_text("Deadline extensions")
    await expect(desk.locator("tbody#view-rows")).to_contain_text("No tickets")
    await desk.screenshot(path=artifacts / "views-extensions.png", full_page=True)
    await engineer.close()
    await lead.close()
