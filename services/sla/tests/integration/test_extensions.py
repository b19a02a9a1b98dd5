"""延期 on real Kafka and MongoDB: an approved extension moves the resolution due time;
the tenant's approval-time setting over HTTP."""

from datetime import UTC, datetime, timedelta

import pytest

from services.sla.tests.integration.helpers import ALWAYS, TENANT, emergency, serving
from shared.events import Actor
from shared.events.dispatch import ExtensionApproved, ExtensionApprovedPayload
from shared.events.vocabulary import TicketStatus
from shared.testing.kafka import publish_in_order
from shared.testing.waiting import eventually

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("dropped_after")]


def millis(instant: datetime) -> datetime:
    return instant.replace(microsecond=instant.microsecond // 1000 * 1000)


async def test_an_approved_extension_moves_the_resolution_due_time(settings, infra):
    async with serving(settings) as sla:
        await sla.put(f"/tenants/{TENANT}/calendar", json={"zone": "UTC", "weekly": ALWAYS})
        policy = {"policy_id": "p1", "priorities": ["P1"],
                  "targets": [{"metric": "resolution", "business_hours": 1}]}  # fmt: skip
        assert (
            await sla.put(f"/tenants/{TENANT}/policies", json={"policies": [policy]})
        ).is_success
        ticket = emergency("x-1")
        await publish_in_order(infra.kafka_bootstrap, settings.topics.intake_events, ticket)

        async def timeline() -> dict:
            answer = await sla.get("/tickets/x-1/sla")
            return answer.json() if answer.status_code == 200 else {}

        before = await eventually(timeline, lambda t: bool(t.get("clocks")))
        registered = ticket.payload.registered_at
        until = millis(datetime.now(UTC) + timedelta(hours=5))
        approved = ExtensionApproved(
            occurred_at=datetime.now(UTC), producer="dispatch", tenant_id=TENANT,
            ticket_id="x-1", actor=Actor(id="zhou.lead", role="group_lead"),
            payload=ExtensionApprovedPayload(
                extension_id="ext-1", until=until, reason="spare card on order",
                requested_by="li.wei", requested_at=datetime.now(UTC),
                status=TicketStatus.IN_PROGRESS,
            ),
        )  # fmt: skip
        await publish_in_order(infra.kafka_bootstrap, settings.topics.dispatch_events, approved)
        after = await eventually(timeline, lambda t: bool(t.get("extensions")))
    [old] = [c for c in before["clocks"] if c["metric"] == "resolution"]
    [new] = [c for c in after["clocks"] if c["metric"] == "resolution"]
    assert datetime.fromisoformat(old["due_at"]) == millis(registered + timedelta(hours=1))
    assert abs(datetime.fromisoformat(new["due_at"]) - until) <= timedelta(seconds=1)
    assert new["breach"] is None
    [shown] = after["extensions"]
    assert (shown["approved_by"], shown["requested_by"], shown["extension_id"]) == (
        "zhou.lead",
        "li.wei",
        "ext-1",
    )
    assert datetime.fromisoformat(after["next_due_at"]) > registered + timedelta(hours=1)


async def test_the_approval_time_setting_over_http(settings):
    async with serving(settings) as sla:
        default = (await sla.get(f"/tenants/{TENANT}/settings")).json()
        put = await sla.put(f"/tenants/{TENANT}/settings", json={"approval_time_counts": False})
        shown = (await sla.get(f"/tenants/{TENANT}/settings")).json()
        bad = await sla.put(f"/tenants/{TENANT}/settings", json={"approval_time_counts": "no"})
    assert default == {"own": False, "approval_time_counts": True}
    assert put.status_code == 200
    assert put.json()["recompute"] == "scheduled"
    assert shown == {"own": True, "approval_time_counts": False}
    assert bad.status_code == 422
