"""Calendars and policies over HTTP, against real MongoDB (and Kafka for the lifespan)."""

import asyncio

import pytest

from services.sla.tests.integration.helpers import TENANT, emergency, serving
from shared.testing.kafka import publish_in_order
from shared.testing.waiting import eventually

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("dropped_after")]

OFFICE = {"mon": ["09:00-12:00", "13:00-18:00"], "tue": ["09:00-18:00"]}


async def test_calendar_crud_and_holiday_import(settings):
    async with serving(settings) as sla:
        default = (await sla.get(f"/tenants/{TENANT}/calendar")).json()
        put = await sla.put(
            f"/tenants/{TENANT}/calendar",
            json={"zone": "Europe/Berlin", "weekly": OFFICE, "holidays": ["2026-12-25"]},
        )
        imported = await sla.post(
            f"/tenants/{TENANT}/calendar/holidays",
            json={
                "holidays": [{"from": "2026-10-01", "to": "2026-10-03"}],
                "extra_working_days": {"2026-09-27": ["09:00-17:00"]},
            },
        )
        stored = (await sla.get(f"/tenants/{TENANT}/calendar")).json()
        deleted = await sla.delete(f"/tenants/{TENANT}/calendar")
        deleted_again = await sla.delete(f"/tenants/{TENANT}/calendar")
    assert default["own"] is False
    assert default["zone"] == "Asia/Shanghai"
    assert put.status_code == 200
    assert imported.status_code == 200
    assert stored["own"] is True
    assert stored["weekly"]["mon"] == ["09:00-12:00", "13:00-18:00"]
    assert stored["holidays"] == ["2026-10-01", "2026-10-02", "2026-10-03", "2026-12-25"]
    assert stored["extra_working_days"] == {"2026-09-27": ["09:00-17:00"]}
    assert deleted.status_code == 200
    assert deleted_again.status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"zone": "Mars/Base", "weekly": OFFICE}, "zone"),
        ({"weekly": {"mon": ["09:00-12:00", "11:00-13:00"]}}, "weekly"),
        ({"weekly": {"someday": ["09:00-12:00"]}}, "weekly"),
        ({"weekly": {"mon": ["9 to 5"]}}, "weekly"),
        ({"weekly": OFFICE, "holidays": [{"from": "2026-10-03", "to": "2026-10-01"}]}, "holidays"),
        # A range of centuries would make the calendar document larger than MongoDB allows.
        ({"weekly": OFFICE, "holidays": [{"from": "2000-01-01", "to": "4652-01-01"}]}, "holidays"),
    ],
)
async def test_a_bad_calendar_is_refused_naming_the_field(settings, body, field):
    async with serving(settings) as sla:
        response = await sla.put(f"/tenants/{TENANT}/calendar", json=body)
        stored = (await sla.get(f"/tenants/{TENANT}/calendar")).json()
    assert response.status_code == 422
    assert any(d["field"].startswith(field) for d in response.json()["detail"])
    assert stored["own"] is False  # nothing changed


async def test_policies_crud_and_a_change_recomputes_open_tickets(settings, infra):
    always = {d: ["00:00-24:00"] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    policy = {"policy_id": "p1", "priorities": ["P1"],
              "targets": [{"metric": "response", "business_hours": 1}]}  # fmt: skip
    async with serving(settings) as sla:
        defaults = (await sla.get(f"/tenants/{TENANT}/policies")).json()
        await sla.put(f"/tenants/{TENANT}/calendar", json={"zone": "UTC", "weekly": always})
        await sla.put(f"/tenants/{TENANT}/policies", json={"policies": [policy]})
        await publish_in_order(
            infra.kafka_bootstrap, settings.topics.intake_events, emergency("h-1")
        )
        before = await eventually(
            lambda: sla.get("/tickets/h-1/sla"), lambda r: r.status_code == 200
        )
        policy["targets"] = [{"metric": "response", "business_minutes": 600}]
        changed = await sla.put(f"/tenants/{TENANT}/policies", json={"policies": [policy]})
        progress = await eventually(
            lambda: sla.get(f"/tenants/{TENANT}/recompute"),
            lambda r: r.status_code == 200 and r.json()["pending"] is False,
        )
        after = (await sla.get("/tickets/h-1/sla")).json()
        bad = await sla.put(
            f"/tenants/{TENANT}/policies",
            json={"policies": [{"policy_id": "x", "targets": [{"metric": "response"}]}]},
        )
        listed = (await sla.get(f"/tenants/{TENANT}/policies")).json()
        missing = await sla.get("/tickets/nope/sla")
    assert defaults["own"] is False
    assert [p["policy_id"] for p in defaults["policies"]][:2] == ["consultation", "complaint"]
    assert before.json()["clocks"][0]["target_seconds"] == 3600
    assert changed.json() == {"open_tickets": 1, "recompute": "scheduled"}
    assert progress.json()["done"] == 1
    assert after["clocks"][0]["target_seconds"] == 36_000
    assert bad.status_code == 422
    assert listed["own"] is True
    assert listed["policies"][0]["targets"] == [
        {"metric": "response", "amount": 36_000, "unit": "business_seconds"}
    ]
    assert missing.status_code == 404


async def test_a_holiday_on_a_stored_make_up_day_is_a_conflict_and_changes_nothing(settings):
    calendar = {"weekly": OFFICE, "extra_working_days": {"2026-10-10": ["09:00-17:00"]}}
    async with serving(settings) as sla:
        put = await sla.put(f"/tenants/{TENANT}/calendar", json=calendar)
        clash = await sla.post(
            f"/tenants/{TENANT}/calendar/holidays",
            json={"holidays": [{"from": "2026-10-08", "to": "2026-10-11"}]},
        )
        stored = (await sla.get(f"/tenants/{TENANT}/calendar")).json()
        bad_policy = await sla.put(
            f"/tenants/{TENANT}/policies",
            json={"policies": [{"policy_id": "p", "pause_statuses": ["closed"],
                                "targets": [{"metric": "response", "business_hours": 1e308}]}]},
        )  # fmt: skip
        policies = (await sla.get(f"/tenants/{TENANT}/policies")).json()
    assert put.status_code == 200
    assert clash.status_code == 409
    assert "2026-10-10: a date cannot be both" in clash.json()["detail"]["message"]
    assert stored["holidays"] == []
    assert bad_policy.status_code == 422
    assert {d["field"] for d in bad_policy.json()["detail"]} == {
        "policies.0.pause_statuses",
        "policies.0.targets.0.business_hours",
    }
    assert policies["own"] is False


async def test_concurrent_holiday_imports_all_land(settings):
    """Imports race each other and the recompute worker on the tenant's documents: each one
    that loses runs again, none is a 500, and every holiday is kept."""
    days = [f"2027-0{m}-1{d}" for m in range(1, 5) for d in range(0, 3)]
    async with serving(settings) as sla:
        answers = await asyncio.gather(*(
            sla.post(f"/tenants/{TENANT}/calendar/holidays", json={"holidays": [day]})
            for day in days
        ))  # fmt: skip
        stored = (await sla.get(f"/tenants/{TENANT}/calendar")).json()
    assert [a.status_code for a in answers] == [200] * len(days)
    assert set(days) <= set(stored["holidays"])
