"""The reports page as a supervisor uses it: real tickets (two incidents and a complaint in
two regions, one resolved), a period picked with a preset and with the form in the
tenant's time zone, every chart's data as Chart.js drew it, the exports of exactly what
the page shows, and a clear message next to the field for a period that cannot be
reported. Screenshots in tests/browser/artifacts/."""

import asyncio
import csv
import io
import re
import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.async_api import Browser, Page, expect

from shared.testing.identity import LocalIssuer
from shared.testing.waiting import eventually
from tests.browser.conftest import WAIT_MS
from tests.browser.test_dashboard import ENGINEER, registered, signed_in

# The tenant's own zone (its intake configuration), not the gateway's default (Beijing).
ZONE = "Europe/Moscow"
DRAWN = """(id) => {
  const chart = Chart.getChart(id);
  const canvas = document.getElementById(id);
  if (!chart) { return null; }
  return { type: chart.config.type, labels: chart.data.labels,
           keys: JSON.parse(canvas.dataset.keys),
           data: chart.data.datasets.map((d) => d.data) };
}"""
SHEET = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


@pytest.fixture
async def reported(web_stack: dict[str, str], tenant: str, issuer: LocalIssuer) -> dict[str, Any]:
    """The tenant in Moscow time, its three tickets in the read model (the first one
    resolved), and the day they were registered there."""
    async with httpx.AsyncClient(base_url=web_stack["intake"], timeout=30) as intake:
        config = await intake.put(f"/tenants/{tenant}/config", json={"time_zone": ZONE})
    assert config.status_code == 200, config.text
    tickets = [
        await registered(web_stack, tenant, "rep-1", subject="宽带无法上网 rep-1",
                         location={"region": "chaoyang"}),
        await registered(web_stack, tenant, "rep-2", subject="IPTV 花屏 rep-2",
                         location={"region": "haidian"}),
        await registered(web_stack, tenant, "rep-3", subject="装维人员迟到 rep-3",
                         type="complaint", location={"region": "chaoyang"}),
    ]  # fmt: skip
    resolve = {"cause": "光猫重启", "solution": "已恢复", "closure_code": "FIXED"}
    async with httpx.AsyncClient(base_url=web_stack["dispatch"], timeout=30) as dispatch:
        for command, body in (("accept", {}), ("start", {}), ("resolve", resolve)):
            done = await dispatch.post(f"/work-orders/{tickets[0]['ticket_id']}/{command}",
                                       json=body, headers=ENGINEER)  # fmt: skip
            assert done.status_code == 200, (command, done.text)
    reader = issuer.headers(tenant, ["supervisor"])
    async with httpx.AsyncClient(base_url=web_stack["gateway"], timeout=30) as gateway:

        async def statuses() -> dict[str, int]:
            asked = {"by": "status"} | _around_now()
            found = await gateway.get("/reports/tickets", headers=reader, params=asked)
            rows = found.json().get("rows", []) if found.status_code == 200 else []
            return {row["key"]: row["opened"] for row in rows}

        await eventually(statuses, lambda s: s == {"assigned": 2, "resolved": 1},
                         timeout=WAIT_MS / 1000)  # fmt: skip
        view = (await gateway.get(f"/tickets/{tickets[0]['ticket_id']}", headers=reader)).json()
    registered_at = datetime.fromisoformat(view["registered_at"])
    return {"tickets": tickets, "day": registered_at.astimezone(ZoneInfo(ZONE)).date()}


def _around_now() -> dict[str, str]:
    now = datetime.now(ZoneInfo("UTC"))
    return {"from": (now - timedelta(days=2)).isoformat(),
            "to": (now + timedelta(days=2)).isoformat()}  # fmt: skip


async def _drawn(page: Page, canvas: str) -> dict[str, Any]:
    found = await page.evaluate(DRAWN, canvas)
    assert found is not None, f"no chart on #{canvas}"
    return found


def _by_key(drawn: dict[str, Any], series: int = 0) -> dict[str, Any]:
    return dict(zip(drawn["keys"], drawn["data"][series], strict=True))


async def _table(page: Page, table: str) -> list[list[str]]:
    """The rows of one of the page's tables, each as its cells' texts."""
    return await page.eval_on_selector_all(
        f'table[data-table="{table}"] tbody tr',
        "rows => rows.map(r => [...r.children].map(c => c.textContent.trim()))",
    )


async def _download(page: Page, selector: str) -> bytes:
    async with page.expect_download() as got:
        await page.locator(selector).click()
    download = await got.value
    path = await download.path()
    assert path is not None
    return await asyncio.to_thread(Path(path).read_bytes)


def _xlsx_rows(workbook: bytes) -> list[list[str]]:
    """The first sheet's cells as text (shared strings resolved, numbers as written)."""
    assert workbook[:4] == b"PK\x03\x04"  # an OOXML zip
    with zipfile.ZipFile(io.BytesIO(workbook)) as book:
        strings = [
            "".join(t.text or "" for t in item.iter(f"{SHEET}t"))
            for item in ElementTree.fromstring(book.read("xl/sharedStrings.xml"))
        ]
        sheet = ElementTree.fromstring(book.read("xl/worksheets/sheet1.xml"))
    rows = []
    for row in sheet.iter(f"{SHEET}row"):
        cells = []
        for cell in row.iter(f"{SHEET}c"):
            value = cell.findtext(f"{SHEET}v") or ""
            cells.append(strings[int(value)] if cell.get("t") == "s" else value)
        rows.append(cells)
    return rows


async def test_the_reports_page_charts_a_picked_period_and_exports_what_it_shows(
    browser: Browser, web_stack, tenant, issuer: LocalIssuer, reported, artifacts: Path
):
    issuer.add_user(f"supervisor.{tenant}", tenant, ["supervisor"])
    day: date = reported["day"]
    week = [(day - timedelta(days=6 - i)).isoformat() for i in range(7)]
    context, page = await signed_in(browser, web_stack["gateway"], f"supervisor.{tenant}")
    await page.click('header a[href="/ui/reports"]')
    await expect(page.locator("h1")).to_have_text("Reports")
    await expect(page.locator("p.zone")).to_contain_text(ZONE)
    await expect(page.locator('nav.presets a[data-preset="last-30-days"]')).to_have_class("current")

    # A preset: the last 7 days, per day, ending on the tenant's today.
    await page.locator('nav.presets a[data-preset="last-7-days"]').click()
    await page.wait_for_url(f"**/ui/reports?from={week[0]}&to={day.isoformat()}&by=day")
    await expect(page.locator("input[name=from]")).to_have_value(week[0])
    await expect(page.locator('nav.presets a[data-preset="last-7-days"]')).to_have_class("current")
    trend = await _drawn(page, "report-chart")
    assert (trend["type"], trend["labels"]) == ("line", week)
    # Opened, resolved and backlog: all three on the tenant's today, none before.
    assert trend["data"] == [[0] * 6 + [3], [0] * 6 + [1], [0] * 6 + [2]]
    status = await _drawn(page, "status-chart")
    assert status["type"] == "pie"
    assert _by_key(status) == {"assigned": 2, "resolved": 1}
    assert status["labels"] == ["Assigned", "Resolved"]
    kinds = await _drawn(page, "type-chart")
    assert _by_key(kinds) == {"incident": 2, "complaint": 1}
    assert kinds["labels"] == ["Incident", "Complaint"]
    regions = await _drawn(page, "region-chart")
    assert regions["type"] == "bar"
    assert _by_key(regions) == {"chaoyang": 2, "haidian": 1}
    assert _by_key(regions, 1) == {"chaoyang": 1, "haidian": 0}  # resolved
    assert _by_key(await _drawn(page, "group-chart")) == {"noc": 3}
    assert _by_key(await _drawn(page, "person-chart")) == {"li.wei": 3}
    sla = await _drawn(page, "sla-chart")
    assert sla["data"] == [[None] * 6 + [100]] * 3  # response, transfer, resolution: met
    assert await _table(page, "sla") == [
        ["Response", "100.0%", "0"], ["Transfer", "100.0%", "0"], ["Resolution", "100.0%", "0"],
    ]  # fmt: skip
    shown = await _table(page, "trend")
    assert shown[-1] == ["Total", "3", "1", "0", "2"]
    assert shown[-2] == [day.isoformat(), "3", "1", "0", "2"]
    await page.screenshot(path=artifacts / "reports-last-7-days.png", full_page=True)

    # The exports are exactly the page's rows: every day of the period, then the total.
    table = list(csv.reader(io.StringIO(
        (await _download(page, 'a.export[data-format="csv"]:not([data-of])')).decode("utf-8")
    )))  # fmt: skip
    assert table[0][:5] == ["Group", "Opened", "Resolved", "Canceled", "Backlog"]
    assert [line[:5] for line in table[1:]] == [*(r[:5] for r in shown[:-1]),
                                                 ["total", "3", "1", "0", "2"]]  # fmt: skip
    sheet = _xlsx_rows(await _download(page, 'a.export[data-format="xlsx"]:not([data-of])'))
    assert [r[0] for r in sheet] == ["Group", *week, "total"]
    assert sheet[-2][1:3] == ["3", "1"]
    kinds_csv = list(csv.reader(io.StringIO(
        (await _download(page, 'a.export[data-format="csv"][data-of="type"]')).decode("utf-8")
    )))  # fmt: skip
    assert [line[:3] for line in kinds_csv[1:]] == [
        ["complaint", "1", "0"], ["incident", "2", "1"], ["total", "3", "1"],
    ]  # fmt: skip

    # The form: a week before to the day, per ISO week, in Chinese.
    await page.goto("/ui/reports?lang=zh-CN")
    await page.fill("input[name=from]", week[0])
    await page.fill("input[name=to]", day.isoformat())
    await page.select_option("select[name=by]", "week")
    await page.locator("form.period button").click()
    await page.wait_for_url(re.compile(r".*by=week.*"))
    await expect(page.locator("#by-type h2")).to_have_text("按类型")
    weekly = await _drawn(page, "report-chart")
    assert weekly["labels"] == sorted({(day - timedelta(days=i)).strftime("%G-W%V")
                                       for i in range(7)})  # fmt: skip
    assert [sum(series) for series in weekly["data"]] == [3, 1, 2]
    await expect(page.locator("select[name=by] option:checked")).to_have_text("按周")
    await page.screenshot(path=artifacts / "reports-weekly-zh-CN.png", full_page=True)
    await context.close()


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("from=2026-03-10&to=2026-03-01", "to", "The end is before the start."),
        ("from=2024-01-01&to=2025-06-30", "to", "At most 366 days at a time."),
        ("from=2026-02-30&to=2026-03-01", "from", "There is no such day."),
        ("from=yesterday&to=2026-03-01", "from", "Not a date: write it as YYYY-MM-DD."),
        ("from=2026-03-01&to=", "to", "Enter a date."),
    ],
)
async def test_a_period_that_cannot_be_reported_says_why_next_to_its_field(
    browser: Browser, web_stack, tenant, issuer: LocalIssuer, artifacts: Path,
    query, field, message,
):  # fmt: skip
    issuer.add_user(f"supervisor.{tenant}", tenant, ["supervisor"])
    context, page = await signed_in(browser, web_stack["gateway"], f"supervisor.{tenant}")

    answer = await page.goto(f"/ui/reports?{query}&by=day")

    assert answer is not None
    assert answer.status == 422
    error = page.locator(f'form.period .field-error[data-field="{field}"]')
    await expect(error).to_have_text(message)
    await expect(page.locator("form.period .field-error")).to_have_count(1)
    await expect(page.locator(f'input[name="{field}"]')).to_have_attribute("aria-invalid", "true")
    await expect(page.locator("canvas")).to_have_count(0)
    await expect(page.locator("a.export")).to_have_count(0)
    exported = await page.request.get(f"/ui/reports/export?{query}&format=csv")
    assert exported.status == 422
    assert message in await exported.text()
    await page.screenshot(path=artifacts / f"reports-refused-{field}-{len(query)}.png")
    await context.close()


async def test_the_form_says_the_end_is_before_the_start_in_russian(
    browser: Browser, web_stack, tenant, issuer: LocalIssuer, artifacts: Path
):
    issuer.add_user(f"supervisor.{tenant}", tenant, ["supervisor"])
    context, page = await signed_in(browser, web_stack["gateway"], f"supervisor.{tenant}", "ru")
    await page.goto("/ui/reports")
    await page.fill("input[name=from]", "2026-03-10")
    await page.fill("input[name=to]", "2026-03-01")
    async with page.expect_response(re.compile(r".*/ui/reports\?.*")) as got:
        await page.locator("form.period button").click()

    assert (await got.value).status == 422
    await expect(page.locator('.field-error[data-field="to"]')).to_have_text("Конец раньше начала.")
    await expect(page.locator("input[name=to]")).to_have_value("2026-03-01")  # kept as typed
    await page.screenshot(path=artifacts / "reports-refused-ru.png", full_page=True)
    await context.close()
