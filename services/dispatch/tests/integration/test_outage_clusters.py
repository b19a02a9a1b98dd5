"""On real Kafka and MongoDB (2dsphere): six complaints from one street within ten minutes
form a cluster; a dispatcher makes a ticket the parent incident; resolving the parent
resolves every open child with its cause and solution, each once; an unlinked child is
handled on its own."""

from datetime import UTC, datetime, timedelta

from services.dispatch.tests.integration.helpers import (
    command,
    configure,
    registered,
    until_status,
    who,
)
from shared.events.dispatch import ClusterDetected, TicketJoinedCluster, TicketResolved
from shared.events.vocabulary import TicketType
from shared.testing.kafka import publish_in_order
from shared.testing.recorder import TopicRecorder
from shared.testing.waiting import eventually

STREET = (116.4600, 39.9100)
DISPATCHER = ("zhou", "dispatcher")
ENGINEER = ("li.wei", "field_engineer")


def complaint(i: int, at: datetime, north_km: float = 0.0, service: str = "broadband"):
    return registered(
        f"c-{i}", ticket_type=TicketType.COMPLAINT, service=service, registered_at=at,
        lon=STREET[0], lat=STREET[1] + north_km / 111.195,
    ).model_copy(update={"occurred_at": at})  # fmt: skip


async def test_a_street_of_complaints_is_one_outage_resolved_with_its_parent(
    dispatch, settings, infra
):
    topics = settings.topics
    await configure(dispatch, "acme", "routing-rules/all", {"order": 99, "assignee": "li.wei"})
    t0 = datetime.now(UTC) - timedelta(minutes=10)
    street = [complaint(i, t0 + timedelta(minutes=2 * i), north_km=0.1 * i) for i in range(6)]
    elsewhere = complaint(9, t0, north_km=5.0)
    other_service = complaint(8, t0, service="iptv")
    async with TopicRecorder(infra.kafka_bootstrap, topics.dispatch_events) as out:
        await publish_in_order(infra.kafka_bootstrap, topics.intake_events, elsewhere,
                               other_service, *street[:4])  # fmt: skip
        for i in range(4):
            await until_status(dispatch, f"c-{i}", "assigned")
        none_yet = (await dispatch.get("/tenants/acme/clusters")).json()
        await publish_in_order(infra.kafka_bootstrap, topics.intake_events, *street[4:],
                               street[4])  # fmt: skip
        [cluster] = (await eventually(
            lambda: dispatch.get("/tenants/acme/clusters"),
            lambda r: len(r.json()) == 1 and len(r.json()[0]["members"]) == 6,
        )).json()  # fmt: skip
        to_parent = f"/clusters/{cluster['cluster_id']}/parent"
        pick = {"ticket_id": "c-0"}
        refused = await dispatch.post(to_parent, json=pick, headers=who(*ENGINEER))
        parent = await dispatch.post(to_parent, json=pick, headers=who(*DISPATCHER))
        reason = {"reason": "另有原因"}
        unlinked = await dispatch.post(
            "/work-orders/c-5/unlink-parent", json=reason, headers=who(*DISPATCHER)
        )
        await command(dispatch, "c-0", "accept", ENGINEER)
        await command(dispatch, "c-0", "start", ENGINEER)
        fix = {"cause": "光交箱断电", "solution": "更换电源模块", "closure_code": "POWER"}
        resolved = await command(dispatch, "c-0", "resolve", ENGINEER, fix)
        children = [await until_status(dispatch, f"c-{i}", "resolved") for i in range(1, 5)]
        await out.wait_for(lambda rs: sum(b"ticket.resolved" in (r.value or b"") for r in rs) >= 5)
        events = out.events()
    c5 = (await dispatch.get("/work-orders/c-5")).json()
    clusters_after = (await dispatch.get("/tenants/acme/clusters", params={"open": "false"})).json()

    assert none_yet == []
    assert cluster["members"] == [f"c-{i}" for i in range(6)]
    assert cluster["category"] == "broadband"
    assert refused.status_code == 403
    assert parent.status_code == 200, parent.text
    assert unlinked.status_code == 200, unlinked.text
    assert resolved.status_code == 200, resolved.text
    assert [c["resolution"]["cause"] for c in children] == ["光交箱断电"] * 4
    resolutions = [e for e in events if isinstance(e, TicketResolved)]
    assert sorted(e.ticket_id for e in resolutions) == [f"c-{i}" for i in range(5)]  # once each
    assert {e.payload.parent_id for e in resolutions if e.ticket_id != "c-0"} == {"c-0"}
    assert c5["status"] == "assigned"  # unlinked: handled on its own
    assert [e.ticket_id for e in events if isinstance(e, ClusterDetected)] == ["c-4"]
    joined = sorted(e.ticket_id for e in events if isinstance(e, TicketJoinedCluster))
    assert joined == [f"c-{i}" for i in range(6)]
    assert clusters_after[0]["open"] is False
