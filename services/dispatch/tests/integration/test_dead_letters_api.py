"""A service's /admin/dead-letters: its own consumers' dead letters, for admins only."""

import json

from services.dispatch.tests.integration.helpers import ADMIN
from shared.testing.kafka import produce
from shared.testing.waiting import eventually


async def test_an_admin_sees_dispatchs_dead_letter_and_purges_it(dispatch, settings, infra):
    malformed = json.dumps({"event_type": "ticket.registered", "ticket_id": "t-bad"}).encode()
    await produce(infra.kafka_bootstrap, settings.topics.intake_events, malformed, key=b"t-bad")

    async def listed():
        return (await dispatch.get("/admin/dead-letters", headers=ADMIN)).json()

    [letter] = await eventually(listed, lambda letters: len(letters) == 1)
    agent = {"X-Actor-Id": "li.wei", "X-Actor-Role": "agent"}
    forbidden = await dispatch.get("/admin/dead-letters", headers=agent)
    shown = await dispatch.get(f"/admin/dead-letters/{letter['id']}", headers=ADMIN)
    purged = await dispatch.post("/admin/dead-letters/purge", json={"ids": []}, headers=ADMIN)
    after = await listed()
    unknown = await dispatch.post(
        "/admin/dead-letters/replay", json={"ids": [letter["id"]]}, headers=ADMIN
    )
    assert letter["consumer"] == settings.consumer_group("dispatch")
    assert letter["error_type"] == "MalformedEvent"
    assert letter["source"].startswith(f"{settings.topics.intake_events}/")
    assert forbidden.status_code == 403
    assert shown.json()["value"] == malformed.decode()
    assert purged.json() == {"purged": [letter["id"]]}
    assert after == []
    assert unknown.status_code == 404
