"""The self-service routes: a person changes their own language, zone, quiet hours and
channels without touching what the admins keep; "don't notify me" is read back."""

from typing import Any

import pytest

from services.notify.bootstrap import create_app
from services.notify.settings import NotifySettings
from shared.testing.apps import running
from shared.testing.builders import ticket_registered
from shared.testing.kafka import publish_in_order
from shared.testing.tenants import make_known
from shared.testing.waiting import eventually

pytestmark = pytest.mark.integration

ADMIN = {"X-Actor-Id": "root", "X-Actor-Role": "admin"}
LI_WEI = {"X-Actor-Id": "li.wei", "X-Actor-Role": "field_engineer"}
ENTRY = {"name": "李伟", "phone": "+86 139-0000-0000", "email": "li.wei@example.cn",
         "on_duty": True, "supervisor": True, "leads": ["noc"]}  # fmt: skip
OWN = {"language": "ru", "time_zone": "Europe/Moscow",
       "quiet_hours": {"start": "22:00:00", "end": "07:00:00"},
       "channels": {"ticket_assigned": ["in_app", "sms"], "ticket_urged": []}}  # fmt: skip


async def test_a_person_changes_only_their_own_preferences(
    service_settings: Any, namespace: str
) -> None:
    tenant = f"{namespace}-p"
    people = f"/tenants/{tenant}/people"
    settings = service_settings(NotifySettings)
    async with running(create_app(settings)) as n:
        blank = await n.get(f"{people}/li.wei/preferences")
        await make_known(n, settings.kafka_bootstrap_servers, settings.topics, tenant)
        await n.put(f"{people}/li.wei", json=ENTRY, headers=ADMIN)
        saved = await n.put(f"{people}/li.wei/preferences", json=OWN, headers=LI_WEI)
        mine = await n.get(f"{people}/li.wei/preferences")
        entry = await n.get(f"{people}/li.wei")
        not_theirs = await n.put(f"{people}/zhang.min/preferences", json=OWN, headers=LI_WEI)
        promoted = await n.put(f"{people}/li.wei/preferences", headers=LI_WEI,
                               json=OWN | {"supervisor": True, "phone": "+861391111"})  # fmt: skip
        bad_zone = await n.put(f"{people}/li.wei/preferences", headers=LI_WEI,
                               json={"time_zone": "Mars/Olympus"})  # fmt: skip

    assert blank.status_code == 200, blank.text
    assert (blank.json()["language"], blank.json()["tenant"]["language"]) == (None, "zh-CN")
    assert "sms" in blank.json()["tenant"]["channels"]["ticket_assigned"]
    assert saved.status_code == 200, saved.text
    assert {k: mine.json()[k] for k in OWN} == OWN | {
        "channels": {"ticket_assigned": ["in_app", "sms"], "ticket_urged": []}
    }
    kept = entry.json()
    assert (kept["phone"], kept["email"], kept["on_duty"], kept["supervisor"], kept["leads"]) == (
        "+8613900000000", "li.wei@example.cn", True, True, ["noc"])  # fmt: skip
    assert kept["language"] == "ru"
    assert not_theirs.status_code == 403
    assert promoted.status_code == 422
    assert {e["field"] for e in promoted.json()["detail"]} == {"supervisor", "phone"}
    assert bad_zone.status_code == 422
    assert [e["field"] for e in bad_zone.json()["detail"]] == ["time_zone"]


async def test_the_mutes_of_a_ticket_are_read_back(
    service_settings: Any, namespace: str, infra: Any
) -> None:
    tenant = f"{namespace}-m"
    settings = service_settings(NotifySettings)
    registered = ticket_registered("t-m", tenant_id=tenant)
    async with running(create_app(settings)) as n:
        unknown = await n.get("/tickets/t-none/mutes")
        await publish_in_order(infra.kafka_bootstrap, settings.topics.intake_events, registered)

        async def followed() -> int:
            return (await n.get("/tickets/t-m/mutes")).status_code

        await eventually(followed, lambda status: status == 200)
        await n.put("/tickets/t-m/mutes/li.wei", headers=LI_WEI)
        muted = await n.get("/tickets/t-m/mutes")
        await n.delete("/tickets/t-m/mutes/li.wei", headers=LI_WEI)
        unmuted = await n.get("/tickets/t-m/mutes")

    assert unknown.status_code == 404
    assert muted.json() == {"ticket_id": "t-m", "muted": ["li.wei"]}
    assert unmuted.json()["muted"] == []
