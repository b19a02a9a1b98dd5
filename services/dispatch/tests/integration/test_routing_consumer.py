"""Registered tickets are routed against real Kafka and MongoDB; redelivery has one effect."""

from services.dispatch.tests.integration.helpers import (
    configure,
    registered,
    until_status,
    who,
    work_order,
)
from shared.events import TicketAssigned
from shared.events.vocabulary import TicketStatus, TicketType
from shared.testing.kafka import publish_in_order
from shared.testing.recorder import TopicRecorder


async def test_tenant_rules_pick_the_least_loaded_on_duty_member_once_per_event(
    dispatch, settings, infra, mongo_client
):
    await configure(
        dispatch,
        "acme",
        "routing-rules/complaints",
        {"order": 1, "ticket_type": "complaint", "group": "care"},
    )
    await configure(
        dispatch,
        "acme",
        "routing-rules/fibre",
        {"order": 2, "tags": ["fibre"], "assignee": "li.wei", "group": "noc"},
    )
    await configure(dispatch, "acme", "rosters/care", {"on_duty": ["zhang.min", "wang.fang"]})
    first = registered("t-1", type=TicketType.COMPLAINT)
    second = registered("t-2", type=TicketType.COMPLAINT)
    fibre = registered("t-3", tags=["fibre"])
    held = registered("t-4", status=TicketStatus.QUARANTINED)
    topics = settings.topics
    async with TopicRecorder(infra.kafka_bootstrap, topics.dispatch_events) as out:
        await publish_in_order(
            infra.kafka_bootstrap, topics.intake_events, first, first, second, fibre, held
        )
        await until_status(dispatch, "t-4", "quarantined")  # the last one: all were seen
        events = await out.wait_for_count(6)
    assigned = [e for e in events if isinstance(e, TicketAssigned)]
    assert sorted((e.ticket_id, e.payload.assignee) for e in assigned) == [
        ("t-1", "zhang.min"), ("t-2", "wang.fang"), ("t-3", "li.wei"),
    ]  # fmt: skip
    db = mongo_client[settings.mongo_db]
    assert await db.work_orders.count_documents({}) == 4
    assert await db.outbox.count_documents({"topic": topics.dispatch_events}) == 6


async def test_geo_fallback_then_the_dispatch_centre_queue(dispatch, settings, infra):
    await configure(
        dispatch,
        "acme",
        "stations/chaoyang",
        {"name": "朝阳站", "group": "east", "lon": 116.48, "lat": 39.92},
    )
    await configure(
        dispatch,
        "acme",
        "stations/haidian",
        {"name": "海淀站", "group": "west", "lon": 116.30, "lat": 39.96},
    )
    await configure(
        dispatch,
        "acme",
        "stations/shunyi",
        {"name": "顺义站", "group": "north", "lon": 116.65, "lat": 40.13},
    )
    await configure(dispatch, "acme", "rosters/west", {"on_duty": ["chen.jie"]})
    await configure(dispatch, "acme", "rosters/east", {"on_duty": []})
    near_east = registered("g-1", lon=116.47, lat=39.91)  # east has nobody on duty: west next
    nowhere = registered("g-2")
    await publish_in_order(infra.kafka_bootstrap, settings.topics.intake_events, near_east, nowhere)
    await until_status(dispatch, "g-2", "new")  # the last one: both were seen
    routed = await work_order(dispatch, "g-1")
    assert (routed["assignee"], routed["group"]) == ("chen.jie", "west")
    queue = (await dispatch.get("/tenants/acme/queue")).json()
    assert [o["ticket_id"] for o in queue] == ["g-2"]
    assert queue[0]["group"] == "dispatch-centre"
    assert queue[0]["assignee"] is None


async def test_a_released_ticket_is_routed(dispatch, settings, infra):
    from datetime import UTC, datetime

    from shared.events.intake import TicketReleased, TicketReleasedPayload

    await configure(dispatch, "acme", "routing-rules/all", {"order": 1, "assignee": "li.wei"})
    held = registered("q-1", status=TicketStatus.QUARANTINED)
    release = TicketReleased(
        occurred_at=datetime.now(UTC), producer="intake", tenant_id="acme", ticket_id="q-1",
        payload=TicketReleasedPayload(number="acme-q-1", customer_id="c-1"),
    )  # fmt: skip
    topic = settings.topics.intake_events
    await publish_in_order(infra.kafka_bootstrap, topic, held, release, release)
    view = await until_status(dispatch, "q-1", "assigned")
    history = (await dispatch.get("/work-orders/q-1/history")).json()
    assert view["assignee"] == "li.wei"
    assert [h["command"] for h in history] == ["release", "assign"]


async def test_the_admin_api_validates_and_is_for_admins(dispatch):
    rule = {"order": 1, "region": "x"}
    no_target = await dispatch.put(
        "/admin/tenants/acme/routing-rules/r", json=rule, headers=who("root", "admin")
    )
    not_admin = await dispatch.put(
        "/admin/tenants/acme/groups/noc", json={"name": "NOC"}, headers=who("li", "agent")
    )
    await configure(dispatch, "acme", "groups/noc", {"name": "NOC"})
    listed = (await dispatch.get("/admin/tenants/acme/groups")).json()
    deleted = await dispatch.delete("/admin/tenants/acme/groups/noc", headers=who("root", "admin"))
    gone = await dispatch.get("/admin/tenants/acme/groups/noc")
    assert no_target.status_code == 422
    assert not_admin.status_code == 403
    assert listed == [{"name": "NOC", "key": "noc"}]
    assert (deleted.status_code, gone.status_code) == (204, 404)
