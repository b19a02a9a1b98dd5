"""The quality-control pages when qc refuses, and a dissatisfied customer's follow-up, in a
browser against every service as a process: a refused checklist and a refused missed call
and a refused appeal (its template picked, one of its fields blank) come back with
everything typed and qc's reason next to the field it names, and are then submitted as
they are after fixing that one field; a return visit recorded as reached but
dissatisfied offers the follow-up ticket, which qc submits to intake linked to the closed
one, and the visit then links to it. Screenshots in tests/browser/artifacts/."""

from datetime import datetime, timedelta
from pathlib import Path

import httpx
from playwright.async_api import Browser, expect

from shared.testing.identity import LocalIssuer
from tests.browser.test_dashboard import signed_in
from tests.browser.test_qc_pages import ZONE, closed_complaint, in_qc, wall_time

SUPERVISOR = {"X-Actor-Id": "sun.li", "X-Actor-Role": "supervisor"}


async def test_a_refused_inspection_keeps_what_was_typed_and_says_which_item(
    browser: Browser, web_stack, tenant, issuer: LocalIssuer, artifacts: Path
):
    issuer.add_user(f"inspector.{tenant}", tenant, ["inspector"])
    ticket = await closed_complaint(web_stack, tenant)
    tid = ticket["ticket_id"]
    await in_qc(web_stack, f"/tenants/{tenant}/inspections?state=open", tid)
    inspector, page = await signed_in(browser, web_stack["gateway"], f"inspector.{tenant}")
    await page.goto(f"/ui/qc/inspections?ticket={tid}")
    form = page.locator("form.checklist")
    await form.locator('tr[data-item="reply_complete"] input[value="failed"]').check()
    await form.locator('textarea[name="defects"]').fill("无照片\n编码错误")
    await form.locator('textarea[name="comment"]').fill("客户反映仍未收到")
    await form.locator("button").click()  # solution_effective left unanswered

    form = page.locator("form.checklist")
    await expect(form.locator(".refusal")).to_contain_text("items.solution_effective")
    named = form.locator('tr[data-item="solution_effective"] .field-refusal')
    await expect(named).to_be_visible()
    await expect(form.locator('tr[data-item="reply_complete"] .field-refusal')).to_have_count(0)
    reply = form.locator('tr[data-item="reply_complete"]')
    await expect(reply.locator('input[value="failed"]')).to_be_checked()
    await expect(reply.locator('input[value="met"]')).not_to_be_checked()
    await expect(form.locator('textarea[name="defects"]')).to_have_value("无照片\n编码错误")
    await expect(form.locator('textarea[name="comment"]')).to_have_value("客户反映仍未收到")
    await page.screenshot(path=artifacts / "qc-inspection-refused.png", full_page=True)

    # Only the named item is answered now: what was kept is what qc scores.
    await form.locator('tr[data-item="solution_effective"] input[value="met"]').check()
    await form.locator("button").click()
    await expect(page.locator(".outcome")).to_contain_text("Failed")
    await expect(page.locator(".outcome")).to_contain_text("50")  # reply_complete: not met
    async with httpx.AsyncClient(base_url=web_stack["qc"], timeout=30) as qc:
        found = (await qc.get(f"/inspections/{tid}")).json()
    assert found["outcome"]["score"] == 50, found
    await inspector.close()


async def test_a_dissatisfied_visit_opens_a_follow_up_ticket_linked_to_the_closed_one(
    browser: Browser, web_stack, tenant, issuer: LocalIssuer, artifacts: Path
):
    issuer.add_user(f"agent.{tenant}", tenant, ["agent"])
    ticket = await closed_complaint(web_stack, tenant)
    tid = ticket["ticket_id"]
    await in_qc(web_stack, f"/tenants/{tenant}/return-visits", tid)
    agent, page = await signed_in(browser, web_stack["gateway"], f"agent.{tenant}")
    await page.goto(f"/ui/qc/return-visits?ticket={tid}")

    # A missed call with a time already past: refused, the outcome and time kept.
    past = wall_time(datetime.now(ZONE) - timedelta(hours=1))
    missed = page.locator('form[data-form="missed"]')
    await missed.locator('select[name="outcome"]').select_option("busy")
    await missed.locator('input[name="next_attempt_at"]').fill(past)
    await missed.locator("button").click()
    missed = page.locator('form[data-form="missed"]')
    await expect(missed.locator(".field-refusal[data-field='next_attempt_at']")).to_be_visible()
    await expect(missed.locator('select[name="outcome"]')).to_have_value("busy")
    await expect(missed.locator('input[name="next_attempt_at"]')).to_have_value(past)
    await expect(page.locator('form[data-form="reached"] .refusal')).to_have_count(0)

    # Reached, and dissatisfied: the follow-up is offered as the read model learns of it.
    reached = page.locator('form[data-form="reached"]')
    await reached.locator('select[name="satisfaction"]').select_option("1")
    await reached.locator('input[name="answer.resolved"]').fill("否")
    await reached.locator("button").click()
    await expect(page.locator(".done")).to_be_visible()
    offer = page.locator('form[data-form="follow_up"]')
    await expect(offer).to_be_visible()  # the live feed, no reload
    await expect(offer).to_contain_text("The customer is dissatisfied")
    await page.screenshot(path=artifacts / "qc-follow-up-offered.png", full_page=True)
    await offer.locator('textarea[name="description"]').fill("客户仍未收到包裹,要求重新派送")
    await offer.locator("button").click()
    await expect(page.locator(".done")).to_contain_text("The follow-up ticket is asked for.")

    # The follow-up registers at intake, linked to the closed ticket; the visit links to it.
    link = page.locator("#follow-up.linked a")
    await expect(link).to_be_visible()  # the live feed again
    follow_id = await link.get_attribute("data-ticket")
    assert follow_id
    assert follow_id != tid
    await page.screenshot(path=artifacts / "qc-follow-up-linked.png", full_page=True)
    async with httpx.AsyncClient(base_url=web_stack["intake"], timeout=30) as intake:
        found = (await intake.get(f"/tickets/{follow_id}")).json()["submission"]
    assert found["related_to"] == tid, found
    assert found["external_ref"] == f"{tid}:follow-up", found
    assert found["source_system"] == "qc", found
    assert "客户仍未收到包裹" in (found.get("description") or ""), found

    # Asked for once: the visit now shows the link, and no button.
    await page.goto(f"/ui/qc/return-visits?ticket={tid}")
    await expect(page.locator("#follow-up.linked a")).to_have_attribute("data-ticket", follow_id)
    await expect(page.locator('form[data-form="follow_up"]')).to_have_count(0)
    await link.click()
    await page.wait_for_url(f"**/ui/tickets/{follow_id}")
    await expect(page.locator("body")).to_contain_text("Re: 投诉 qc-1")
    await agent.close()


async def test_a_refused_appeal_keeps_its_template_and_fields_and_names_the_empty_one(
    browser: Browser, web_stack, tenant, issuer: LocalIssuer, artifacts: Path
):
    issuer.add_user("li.wei", tenant, ["field_engineer"])
    ticket = await closed_complaint(web_stack, tenant)
    tid = ticket["ticket_id"]
    await in_qc(web_stack, f"/tenants/{tenant}/return-visits", tid)  # qc knows the complaint
    judging = {"unit": "noc", "category": "延误", "text": "未上门", "appealable": True}
    async with httpx.AsyncClient(base_url=web_stack["qc"], timeout=30) as qc:
        judged = await qc.post(f"/complaints/{tid}/judgement", json=judging, headers=SUPERVISOR)
        assert judged.status_code == 200, judged.text
        library = await qc.get(f"/tenants/{tenant}/appeal-templates", params={"language": "en"})
    template = next(t for t in library.json()["templates"] if len(t["fields"]) >= 2)
    *filled, blank = template["fields"]
    member, page = await signed_in(browser, web_stack["gateway"], "li.wei")
    await page.goto(f"/ui/qc/judgements?ticket={tid}")
    form = page.locator('form[data-form="appeal"]')
    await form.locator("#appeal-template").select_option(template["template_id"])
    for i, name in enumerate(filled):
        await form.locator(f'input[name="field.{name}"]').fill(str(i + 5))
    await form.locator(f'input[name="field.{blank}"]').fill(" ")  # passes `required`
    await form.locator("button").click()

    form = page.locator('form[data-form="appeal"]')
    await expect(form.locator(".refusal")).to_contain_text(f"fields.{blank}")
    await expect(form.locator("#appeal-template")).to_have_value(template["template_id"])
    await expect(form.locator("#appeal-category")).to_be_hidden()  # the template's, not own words
    for i, name in enumerate(filled):
        await expect(form.locator(f'input[name="field.{name}"]')).to_have_value(str(i + 5))
    await expect(form.locator(f'.field-refusal[data-field="field.{blank}"]')).to_be_visible()
    await expect(form.locator(f'.field-refusal[data-field="field.{filled[0]}"]')).to_have_count(0)
    assert "5" in await form.locator("#appeal-text").input_value()  # filled from the kept
    await page.screenshot(path=artifacts / "qc-appeal-refused.png", full_page=True)

    await form.locator(f'input[name="field.{blank}"]').fill("9")
    text = await form.locator("#appeal-text").input_value()
    assert "{" not in text
    await form.locator("button").click()
    await expect(page.locator("p.appeal")).to_contain_text(text)
    await member.close()
