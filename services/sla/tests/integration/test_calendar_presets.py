"""A calendar based on China's official one, over HTTP against real MongoDB (and Kafka): GET
says where each date came from, and an SLA computed on it skips the holidays and counts
the make-up Sunday."""

from datetime import UTC, datetime, timedelta

import pytest

from services.sla.tests.integration.helpers import TENANT, emergency, serving
from shared.clock import FakeClock
from shared.testing.kafka import publish_in_order
from shared.testing.waiting import eventually

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("dropped_after")]

NEW_YEARS_EVE = datetime(2025, 12, 31, 1, tzinfo=UTC)  # Wednesday 09:00 in Shanghai
WEEKDAYS = {day: ["09:00-18:00"] for day in ("mon", "tue", "wed", "thu", "fri")}
CALENDAR = {
    "zone": "Asia/Shanghai",
    "weekly": WEEKDAYS,
    "preset": {"country": "cn", "removed": ["2026-02-23"]},
    "holidays": ["2026-10-10"],  # the tenant's own, on a preset make-up Saturday
}
POLICY = {
    "policy_id": "p1",
    "priorities": ["P1"],
    "targets": [
        {"metric": "response", "business_hours": 18},
        {"metric": "resolution", "working_days": 2},
    ],
}


async def test_a_china_preset_calendar_over_http(settings, infra):
    clock = FakeClock(NEW_YEARS_EVE)
    async with serving(settings, clock=clock) as sla:
        put = await sla.put(f"/tenants/{TENANT}/calendar", json=CALENDAR)
        stored = (await sla.get(f"/tenants/{TENANT}/calendar")).json()
        await sla.put(f"/tenants/{TENANT}/policies", json={"policies": [POLICY]})
        await publish_in_order(
            infra.kafka_bootstrap, settings.topics.intake_events, emergency("cn-1", NEW_YEARS_EVE)
        )
        timeline = await eventually(
            lambda: sla.get("/tickets/cn-1/sla"), lambda r: r.status_code == 200
        )
    assert put.status_code == 200, put.text
    assert stored["preset"] == {
        "country": "CN",
        "subdivision": None,
        "years": [2024, 2025, 2026],  # last, this and next year of the service clock
        "removed": ["2026-02-23"],
        "workday_hours": [],
    }
    assert stored["holidays"] == ["2026-10-10"]  # the tenant's own dates, as they were put
    days = {d["date"]: d for d in stored["days"]}
    assert days["2026-01-04"] == {
        "date": "2026-01-04", "kind": "workday", "origin": "preset",
        "name": "Working day (for the day off on 2026-01-02)", "hours": ["09:00-18:00"],
        "replaces": None,
    }  # fmt: skip
    assert days["2026-02-17"]["kind"] == "holiday"
    assert days["2026-02-17"]["origin"] == "preset"
    assert days["2026-02-17"]["name"] == "Chinese New Year (Spring Festival)"
    assert "2026-02-23" not in days  # removed by the tenant: an ordinary Monday
    assert days["2026-10-10"] == {
        "date": "2026-10-10", "kind": "holiday", "origin": "tenant", "name": None, "hours": [],
        "replaces": {"kind": "workday", "name": "Working day (for the day off on 2026-10-07)"},
    }  # fmt: skip
    clocks = {c["metric"]: c for c in timeline.json()["clocks"]}
    # 18 h from Wed 09:00: Wednesday (9 h), New Year 01-01 and 01-02 off, Saturday off, then
    # the make-up Sunday 01-04 (9 h): due Sunday 18:00 Shanghai
    assert clocks["response"]["due_at"] == "2026-01-04T10:00:00Z"
    # 2 working days after Wednesday: Sunday 01-04 and Monday 01-05
    assert clocks["resolution"]["due_at"] == "2026-01-05T10:00:00Z"


@pytest.mark.parametrize(
    ("preset", "field"),
    [
        ({"country": "XX"}, "preset.country"),
        ({"country": "DE", "subdivision": "Atlantis"}, "preset.subdivision"),
        ({"country": "China"}, "preset.country"),
        ({"country": "CN", "years": [1066]}, "preset.years"),
    ],
)
async def test_an_unknown_preset_is_refused_naming_the_field(settings, preset, field):
    async with serving(settings) as sla:
        response = await sla.put(
            f"/tenants/{TENANT}/calendar", json={"weekly": WEEKDAYS, "preset": preset}
        )
        stored = (await sla.get(f"/tenants/{TENANT}/calendar")).json()
    assert response.status_code == 422, response.text
    assert any(d["field"].startswith(field) for d in response.json()["detail"])
    assert stored["own"] is False


async def test_a_holiday_import_keeps_the_preset(settings):
    async with serving(settings) as sla:
        await sla.put(f"/tenants/{TENANT}/calendar", json=CALENDAR)
        imported = await sla.post(
            f"/tenants/{TENANT}/calendar/holidays",
            json={"holidays": ["2026-01-04"], "replace": True},  # over a preset make-up day
        )
    assert imported.status_code == 200, imported.text
    body = imported.json()
    assert body["preset"]["country"] == "CN"
    assert body["holidays"] == ["2026-01-04"]
    days = {d["date"]: d for d in body["days"]}
    assert days["2026-01-04"]["origin"] == "tenant"
    assert days["2026-01-04"]["kind"] == "holiday"
    assert days["2026-02-17"]["origin"] == "preset"


async def test_the_refresh_keeps_a_calendar_saved_last_year_ahead(settings):
    """Saved on 2025-12-31 (years 2024–2026); a year later the refresh loop has added 2027
    and asked for the open tickets to be recomputed."""
    clock = FakeClock(NEW_YEARS_EVE)
    fast = settings.model_copy(update={"calendar_refresh_interval_s": 0.1})
    async with serving(fast, clock=clock) as sla:
        await sla.put(f"/tenants/{TENANT}/calendar", json=CALENDAR)
        before = (await sla.get(f"/tenants/{TENANT}/recompute")).json()
        clock.advance(timedelta(days=365))
        refreshed = await eventually(
            lambda: sla.get(f"/tenants/{TENANT}/calendar"),
            lambda r: 2027 in r.json()["preset"]["years"],
        )
        after = (await sla.get(f"/tenants/{TENANT}/recompute")).json()
    assert refreshed.json()["preset"]["years"] == [2024, 2025, 2026, 2027]
    days = {d["date"]: d for d in refreshed.json()["days"]}
    assert days["2027-10-01"]["origin"] == "preset"
    assert days["2026-10-10"]["origin"] == "tenant"  # the tenant's own dates stay on top
    assert after["generation"] > before["generation"]
