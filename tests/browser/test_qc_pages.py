"""The quality-control pages in a browser: a closed complaint sampled for inspection (the
tenant inspects 100 %) is failed through the checklist; its return visit records a missed
call with the next attempt, then a reached one; it is judged, appealed with a template of
the library and upheld by a reviewer. Screenshots in tests/browser/artifacts/."""

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
from playwright.async_api import Browser, Locator, Page, expect

from shared.testing.identity import LocalIssuer
from shared.testing.waiting import eventually
from tests.browser.conftest import WAIT_MS
from tests.browser.test_dashboard import ENGINEER, registered, signed_in

QC_ADMIN = {"X-Actor-Id": "root", "X-Actor-Role": "admin"}
AGENT = {"X-Actor-Id": "agent.desk", "X-Actor-Role": "agent"}
POLICY = {"sample_share": 1.0, "pass_mark": 80.0, "items": [
    {"key": "reply_complete", "label": "Cause and solution filled in and specific", "weight": 50},
    {"key": "solution_effective", "label": "问题已解决 / Fixed", "weight": 50, "critical": True},
]}  # fmt: skip
ZONE = ZoneInfo("Asia/Shanghai")  # the web stack's dashboard zone


async def closed_complaint(web_stack: dict[str, str], tenant: str) -> dict:
    """A complaint worked to closed, with the tenant's QC policy and unit set first."""
    async with httpx.AsyncClient(base_url=web_stack["qc"], timeout=30) as qc:
        put = await qc.put(f"/tenants/{tenant}/qc-policy", json=POLICY, headers=QC_ADMIN)
        assert put.status_code == 200, put.text
        unit = {"name": "网络运维中心", "members": ["li.wei"]}
        put = await qc.put(f"/tenants/{tenant}/units/noc", json=unit, headers=QC_ADMIN)
        assert put.status_code == 200, put.text
    ticket = await registered(web_stack, tenant, "qc-1", type="complaint", subject="投诉 qc-1")
    order = f"/work-orders/{ticket['ticket_id']}"
    async with httpx.AsyncClient(base_url=web_stack["dispatch"], timeout=30) as dispatch:
        for command, body, who in (
            ("accept", {}, ENGINEER), ("start", None, ENGINEER),
            ("resolve", {"cause": "分拣错误", "solution": "重新投递", "closure_code": "FIX"},
             ENGINEER),
            ("confirm", None, AGENT),
        ):  # fmt: skip
            done = await dispatch.post(f"{order}/{command}", json=body, headers=who)
            assert done.status_code == 200, done.text
    return ticket


async def in_qc(web_stack: dict[str, str], path: str, ticket_id: str) -> None:
    """Until qc lists the ticket at ``path`` (it learns of the closure over Kafka)."""
    async with httpx.AsyncClient(base_url=web_stack["qc"], timeout=30) as qc:

        async def listed() -> list[str]:
            found = await qc.get(path)
            return [i["ticket_id"] for i in found.json()] if found.status_code == 200 else []

        await eventually(listed, lambda ids: ticket_id in ids, timeout=WAIT_MS / 1000)


async def shown_after_reload(page: Page, locator: Locator) -> None:
    """What the page shows once the read model has caught up (reloading until then)."""

    async def count() -> int:
        await page.reload()
        return await locator.count()

    await eventually(count, lambda n: n > 0, timeout=WAIT_MS / 1000)


def wall_time(at: datetime) -> str:
    return at.astimezone(ZONE).strftime("%Y-%m-%dT%H:%M")


async def test_inspection_return_visit_judgement_and_appeal_through_the_pages(
    browser: Browser, web_stack, tenant, issuer: LocalIssuer, artifacts: Path
):
    for name, roles in (
        (f"inspector.{tenant}", ["inspector"]),
        (f"agent.{tenant}", ["agent"]),
        (f"supervisor.{tenant}", ["supervisor"]),
        (f"reviewer.{tenant}", ["supervisor"]),
        ("li.wei", ["field_engineer"]),
    ):
        issuer.add_user(name, tenant, roles)  # fmt: skip
    gateway = web_stack["gateway"]
    ticket = await closed_complaint(web_stack, tenant)
    tid, number = ticket["ticket_id"], ticket["number"]

    # Inspection: the queue, the checklist, a critical item failed.
    await in_qc(web_stack, f"/tenants/{tenant}/inspections?state=open", tid)
    inspector, page = await signed_in(browser, gateway, f"inspector.{tenant}")
    await page.click('header a[href="/ui/qc"]')
    row = page.locator(f'table.qc-inspections tr[data-ticket="{tid}"]')
    await expect(row).to_contain_text(number)
    await row.locator("a").click()
    form = page.locator("form.checklist")
    await expect(form.locator("tr[data-item]")).to_have_count(2)
    await expect(form).to_contain_text("Cause and solution filled in and specific")
    await page.screenshot(path=artifacts / "qc-inspection.png", full_page=True)
    await form.locator('tr[data-item="reply_complete"] input[value="met"]').check()
    await form.locator("button").click()  # one item left unanswered: qc refuses
    await expect(page.locator("form.checklist .refusal")).to_contain_text(
        "items.solution_effective"
    )
    form = page.locator("form.checklist")
    await form.locator('tr[data-item="reply_complete"] input[value="met"]').check()
    await form.locator('tr[data-item="solution_effective"] input[value="failed"]').check()
    await form.locator('textarea[name="comment"]').fill("客户反映仍未收到")
    await form.locator("button").click()
    await expect(page.locator(".outcome")).to_contain_text("Failed")
    await expect(page.locator(".outcome")).to_contain_text("50")
    await expect(page.locator(f'table.qc-done tr[data-ticket="{tid}"]')).to_contain_text("Failed")
    await page.screenshot(path=artifacts / "qc-inspection-submitted.png", full_page=True)
    await inspector.close()

    # Return visit: no answer asks for the next attempt; then the customer is reached.
    await in_qc(web_stack, f"/tenants/{tenant}/return-visits", tid)
    agent, page = await signed_in(browser, gateway, f"agent.{tenant}", "zh-CN")
    await page.goto("/ui/qc/return-visits")
    await page.locator(f'table.qc-visits tr[data-ticket="{tid}"] a').click()
    missed = page.locator('form[data-form="missed"]')
    await missed.locator("select").select_option("no_answer")
    past = datetime.now(ZONE) - timedelta(hours=1)
    await missed.locator('input[type="datetime-local"]').fill(wall_time(past))
    await missed.locator("button").click()
    await expect(page.locator('form[data-form="missed"] .refusal')).to_contain_text(
        "next_attempt_at"
    )
    later = datetime.now(ZONE) + timedelta(days=1)
    await page.locator('form[data-form="missed"] input[type="datetime-local"]').fill(
        wall_time(later)
    )
    await page.locator('form[data-form="missed"] button').click()
    await expect(page.locator(".done")).to_have_text("回访已记录。")
    attempted = page.locator('#attempts li[data-type="qc.return_visit_attempted"]')
    await shown_after_reload(page, attempted)
    await expect(attempted).to_contain_text("无人接听")
    await expect(attempted).to_contain_text(later.strftime("%Y-%m-%d %H:%M"))
    await page.screenshot(path=artifacts / "qc-return-visit-zh-CN.png", full_page=True)
    reached = page.locator('form[data-form="reached"]')
    await reached.locator('select[name="satisfaction"]').select_option("4")
    await reached.locator('input[name="answer.resolved"]').fill("是")
    await reached.locator("button").click()
    completed = page.locator('#attempts li[data-type="qc.return_visit_completed"]')
    await shown_after_reload(page, completed)
    await expect(completed).to_contain_text("4/5")
    await expect(page.locator('form[data-form="reached"]')).to_have_count(0)
    await agent.close()

    # Judgement by a supervisor.
    judge, page = await signed_in(browser, gateway, f"supervisor.{tenant}")
    await page.goto("/ui/qc/judgements")
    await page.locator(f'ul.to-judge li[data-ticket="{tid}"] a').click()
    form = page.locator('form[data-form="judge"]')
    await form.locator('select[name="unit"]').select_option("noc")
    await form.locator('input[name="person"]').fill("li.wei")
    await form.locator('input[name="category"]').fill("延误")
    await form.locator('textarea[name="text"]').fill("未在时限内上门")
    await form.locator("button").click()
    await expect(page.locator('article.judgement[data-state="standing"]')).to_contain_text("noc")
    await shown_after_reload(page, page.locator("p.window"))
    await expect(page.locator("p.window")).to_contain_text("The window to appeal closes at")
    await page.screenshot(path=artifacts / "qc-judgement.png", full_page=True)
    await expect(page.locator('form[data-form="appeal"]')).to_have_count(0)  # not a member
    await judge.close()

    # The appeal by a member of the judged unit, with a template of the library.
    member, page = await signed_in(browser, gateway, "li.wei", "ru")
    await page.goto(f"/ui/qc/judgements?ticket={tid}")
    form = page.locator('form[data-form="appeal"]')
    picker = form.locator("#appeal-template")
    first = picker.locator("optgroup option").first
    await picker.select_option(await first.get_attribute("value"))
    inputs = form.locator("#appeal-fields input")
    await expect(inputs.first).to_be_visible()
    for i in range(await inputs.count()):
        await inputs.nth(i).fill(str(i + 5))
    text = await form.locator("#appeal-text").input_value()
    assert "{" not in text  # the text is filled from the fields
    assert "5" in text
    await page.screenshot(path=artifacts / "qc-appeal-ru.png", full_page=True)
    await form.locator("button").click()
    await expect(page.locator("p.appeal")).to_contain_text(text)
    await member.close()

    # The reviewer upholds it.
    reviewer, page = await signed_in(browser, gateway, f"reviewer.{tenant}")
    await page.goto("/ui/qc/judgements?state=appealed")
    await page.locator(f'table.qc-judged tr[data-ticket="{tid}"] a').click()
    form = page.locator('form[data-form="decide"]')
    await form.locator('select[name="decision"]').select_option("upheld")
    await form.locator('textarea[name="reason"]').fill("上门记录核实无误")
    await form.locator("button").click()
    await expect(page.locator('article.judgement[data-state="upheld"]')).to_contain_text(
        "上门记录核实无误"
    )
    await expect(page.locator('form[data-form="decide"]')).to_have_count(0)
    await page.screenshot(path=artifacts / "qc-judgement-decided.png", full_page=True)
    await reviewer.close()
