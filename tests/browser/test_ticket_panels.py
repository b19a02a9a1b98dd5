"""The ticket page's panels as people use them: a photo from site previewed, the SLA
targets, the customer's portal messages on the desk's page (and the desk's internal
comments never on the customer's), "don't notify me" reaching notify, and one's own
notification preferences saved. Screenshots in tests/browser/artifacts/."""

import re
import struct
import zlib
from pathlib import Path
from typing import Any

import httpx
from playwright.async_api import Browser, expect

from shared.testing.identity import LocalIssuer
from shared.testing.waiting import eventually
from tests.browser.conftest import WAIT_MS
from tests.browser.test_dashboard import signed_in
from tests.e2e.test_walking_skeleton import submission

WAIT_S = WAIT_MS / 1000


def png(width: int = 160, height: int = 96) -> bytes:
    """A real PNG (a red-to-blue gradient), so the browser has something to decode."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    shades = [x * 255 // width for x in range(width)]
    rows = b"".join(
        b"\x00" + b"".join(bytes((255 - shade, 40, shade)) for shade in shades)
        for _ in range(height)
    )
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
            + chunk(b"IEND", b""))  # fmt: skip


async def _history_types(gateway: httpx.AsyncClient, tid: str, staff: dict[str, str]) -> list[str]:
    found = await gateway.get(f"/tickets/{tid}", headers=staff)
    return [e["type"] for e in found.json()["history"]] if found.status_code == 200 else []


async def a_ticket_with_a_photo_and_messages(
    web_stack: dict[str, str], tenant: str, requester: dict[str, str], agent: dict[str, str]
) -> dict[str, Any]:
    """The customer registers a ticket on the portal with a photo and writes to the desk;
    the desk notes something internal. Returned once the read model shows all of it."""
    async with httpx.AsyncClient(base_url=web_stack["gateway"], timeout=30) as gateway:
        created = await gateway.post("/tickets", json=submission(tenant, "panels-1"),
                                     headers=requester)  # fmt: skip
        assert created.status_code in (200, 201), created.text
        tid = created.json()["ticket_id"]
        await eventually(lambda: _history_types(gateway, tid, agent),
                         lambda types: "ticket.assigned" in types, timeout=WAIT_S)  # fmt: skip
        photo = {"file": ("光缆箱.png", png(), "image/png")}
        attached = await gateway.post(f"/tickets/{tid}/attachments", files=photo, headers=requester)
        assert attached.status_code == 201, attached.text
        said = await gateway.post(f"/tickets/{tid}/portal-messages", headers=requester,
                                  json={"body": "师傅几点到?家里有老人"})  # fmt: skip
        assert said.status_code == 201, said.text
        noted = await gateway.post(f"/tickets/{tid}/comments", headers=agent,
                                   json={"body": "内部:光缆箱钥匙在物业"})  # fmt: skip
        assert noted.status_code == 201, noted.text
        await eventually(
            lambda: _history_types(gateway, tid, agent),
            lambda types: types.count("ticket.commented") == 2 and "attachment.added" in types,
            timeout=WAIT_S,
        )
    return created.json()


async def _resolution_clock(sla: str, tid: str) -> bool:
    async with httpx.AsyncClient(base_url=sla, timeout=30) as client:
        found = await client.get(f"/tickets/{tid}/sla")
    return found.status_code == 200 and any(
        c["metric"] == "resolution" for c in found.json()["clocks"]
    )


async def _muted(notify: str, tid: str) -> list[str] | None:
    async with httpx.AsyncClient(base_url=notify, timeout=30) as client:
        found = await client.get(f"/tickets/{tid}/mutes")
    return found.json()["muted"] if found.status_code == 200 else None


async def test_photo_sla_messages_and_dont_notify_me_on_the_desks_and_the_customers_page(
    browser: Browser, web_stack, tenant, issuer: LocalIssuer, artifacts: Path
):
    customer, staff = f"requester.{tenant}", f"agent.{tenant}"
    issuer.add_user(customer, tenant, ["requester"])
    issuer.add_user(staff, tenant, ["agent"])
    requester = issuer.headers(tenant, ["requester"], username=customer)
    agent = issuer.headers(tenant, ["agent"], username=staff)
    ticket = await a_ticket_with_a_photo_and_messages(web_stack, tenant, requester, agent)
    tid = ticket["ticket_id"]
    await eventually(lambda: _resolution_clock(web_stack["sla"], tid), bool, timeout=WAIT_S)
    await eventually(lambda: _muted(web_stack["notify"], tid), lambda m: m == [], timeout=WAIT_S)

    # The desk: the photo previewed, the SLA targets, the customer's message apart.
    desk, page = await signed_in(browser, web_stack["gateway"], staff)
    await page.goto(f"/ui/tickets/{tid}")
    thumb = page.locator("#attachments-panel img.thumb")
    await expect(thumb).to_have_count(1)
    await expect(thumb).to_have_js_property("complete", True)
    assert await thumb.evaluate("img => img.naturalWidth") == 160
    await expect(page.locator("#attachments-panel a.file")).to_have_text("光缆箱.png")
    resolution = page.locator('#sla-panel tr[data-metric="resolution"]')
    await expect(resolution.locator("td").first).to_have_text("Resolution")
    await expect(resolution.locator(".target")).to_contain_text(" h ")
    await expect(resolution.locator(".due")).to_have_text(
        re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d$")
    )
    await expect(resolution.locator(".outcome")).to_have_text("Running")
    portal = page.locator("#messages-panel .portal-messages")
    await expect(portal.locator("li.from-customer")).to_contain_text("师傅几点到?家里有老人")
    await expect(portal).not_to_contain_text("光缆箱钥匙")
    await expect(page.locator("#messages-panel .internal-comments")).to_contain_text("光缆箱钥匙")
    await page.screenshot(path=artifacts / "ticket-panels.png", full_page=True)

    # The file itself: the type intake sniffed, shown inline.
    file_id = await page.get_attribute("#attachments-panel li", "data-attachment")
    served = await page.request.get(f"/ui/tickets/{tid}/attachments/{file_id}")
    assert served.headers["content-type"] == "image/png"
    assert served.headers["content-disposition"].startswith("inline; filename*=UTF-8''")

    # "Don't notify me" for the agent alone.
    await page.locator("#mute button").click()
    await expect(page.locator("#mute")).to_have_attribute("data-muted", "true")
    assert await _muted(web_stack["notify"], tid) == [staff]
    await page.locator("#mute button").click()
    await expect(page.locator("#mute")).to_have_attribute("data-muted", "false")
    assert await _muted(web_stack["notify"], tid) == []

    # The customer: their message and the photo, never the internal comment.
    portal_user, mine = await signed_in(browser, web_stack["gateway"], customer)
    await mine.goto(f"/ui/tickets/{tid}")
    await expect(mine.locator("#messages-panel .portal-messages")).to_contain_text("家里有老人")
    await expect(mine.locator("#attachments-panel img.thumb")).to_have_js_property("complete", True)
    assert await mine.locator("#attachments-panel img.thumb").evaluate("i => i.naturalWidth") > 0
    await expect(mine.locator("body")).not_to_contain_text("光缆箱钥匙")
    await expect(mine.locator("#messages-panel .internal-comments")).to_have_count(0)
    await expect(mine.locator("#sla-panel")).to_have_count(0)
    await mine.locator("#mute button").click()
    await expect(mine.locator("#mute")).to_have_attribute("data-muted", "true")
    await expect(mine.locator("#mute")).to_contain_text("You get no notifications")
    assert await _muted(web_stack["notify"], tid) == ["contact", customer]
    await mine.reload()
    await expect(mine.locator("#mute")).to_have_attribute("data-muted", "true")
    await mine.screenshot(path=artifacts / "ticket-panels-portal.png", full_page=True)

    # The copy button puts the number on the clipboard.
    await portal_user.grant_permissions(["clipboard-read", "clipboard-write"])
    await mine.locator("h1 button.copy").click()
    await expect(mine.locator("h1 button.copy")).to_have_text("Copied")
    assert await mine.evaluate("navigator.clipboard.readText()") == ticket["number"]
    await desk.close()
    await portal_user.close()


async def _preferences(notify: str, tenant: str, username: str) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=notify, timeout=30) as client:
        found = await client.get(f"/tenants/{tenant}/people/{username}/preferences")
    assert found.status_code == 200, found.text
    return found.json()


async def test_notification_preferences_are_saved_and_shown_again(
    browser: Browser, web_stack, tenant, issuer: LocalIssuer, artifacts: Path
):
    engineer = f"field-engineer.{tenant}"
    issuer.add_user(engineer, tenant, ["field_engineer"])
    async with httpx.AsyncClient(base_url=web_stack["notify"], timeout=30) as notify:
        listed = await notify.put(
            f"/tenants/{tenant}/people/{engineer}",
            json={"phone": "+8613900000000", "email": "fe@example.cn", "on_duty": True},
            headers={"X-Actor-Id": "root", "X-Actor-Role": "admin"},
        )  # fmt: skip
    assert listed.status_code == 200, listed.text
    context, page = await signed_in(browser, web_stack["gateway"], engineer, "zh-CN")
    await page.click('header a[href="/ui/me/preferences"]')
    await expect(page.locator("h1")).to_have_text("通知设置")
    form = page.locator("form.preferences")

    # A wrong zone and half the quiet hours: each said next to its field, nothing saved.
    await form.locator("input[name=time_zone]").fill("Mars/Olympus")
    await form.locator("input[name=quiet_start]").fill("22:00")
    await form.locator("button[type=submit]").click()
    await expect(page.locator('.field-error[data-field="time_zone"]')).to_have_text("未知时区")
    await expect(page.locator('.field-error[data-field="quiet_hours"]')).to_have_text(
        "请同时填写开始和结束时间,或都不填"
    )
    await expect(form.locator("input[name=time_zone]")).to_have_value("Mars/Olympus")
    await page.screenshot(path=artifacts / "preferences-refused-zh-CN.png", full_page=True)
    assert (await _preferences(web_stack["notify"], tenant, engineer))["time_zone"] is None

    await form.locator("select[name=language]").select_option("ru")
    await form.locator("input[name=time_zone]").fill("Europe/Moscow")
    await form.locator("input[name=quiet_end]").fill("07:00")
    urged = form.locator('tr[data-kind="ticket_urged"]')
    await urged.locator("select").select_option("own")
    await urged.locator('input[value="in_app"]').check()
    await form.locator("button[type=submit]").click()
    await expect(page.locator(".done")).to_have_text("您的设置已保存。")

    await page.reload()
    await expect(form.locator("select[name=language]")).to_have_value("ru")
    await expect(form.locator("input[name=time_zone]")).to_have_value("Europe/Moscow")
    await expect(form.locator("input[name=quiet_start]")).to_have_value("22:00")
    await expect(form.locator("input[name=quiet_end]")).to_have_value("07:00")
    await expect(urged.locator("select")).to_have_value("own")
    await expect(urged.locator('input[value="in_app"]')).to_be_checked()
    await expect(urged.locator('input[value="sms"]')).not_to_be_checked()
    await page.screenshot(path=artifacts / "preferences-zh-CN.png", full_page=True)

    stored = await _preferences(web_stack["notify"], tenant, engineer)
    assert (stored["language"], stored["time_zone"], stored["channels"]) == (
        "ru", "Europe/Moscow", {"ticket_urged": ["in_app"]})  # fmt: skip
    async with httpx.AsyncClient(base_url=web_stack["notify"], timeout=30) as notify:
        entry = (await notify.get(f"/tenants/{tenant}/people/{engineer}")).json()
    assert (entry["phone"], entry["email"], entry["on_duty"]) == (
        "+8613900000000", "fe@example.cn", True)  # fmt: skip
    await context.close()
