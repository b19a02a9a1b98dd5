"""Lists, search, saved views and the detail's history, on the read model in MongoDB."""

from datetime import UTC, datetime, timedelta
from functools import partial

import pytest

from services.gateway.bootstrap import create_app
from services.gateway.settings import GatewaySettings
from shared.events import Actor
from shared.events import dispatch as d
from shared.events.submissions import RecordedContact
from shared.events.vocabulary import TicketType
from shared.testing.apps import running
from shared.testing.builders import ticket_registered
from shared.testing.kafka import publish_in_order
from shared.testing.waiting import eventually

pytestmark = pytest.mark.integration

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SUBJECTS = [
    "宽带无法上网", "Посылка задерживается", "Broadband down since 08:00",
    "电视信号中断", "Счёт выставлен дважды", "VPN login fails", "宽带速度慢",
]  # fmt: skip


def registration(i: int, tenant: str):
    event = ticket_registered(f"l-{i}", tenant_id=tenant, at=T0 + timedelta(minutes=i))
    payload = event.payload.model_copy(update={
        "subject": SUBJECTS[i], "number": f"{tenant}-2026030{i % 2}-{i:04d}",
        "contact": RecordedContact(name="王女士" if i == 0 else "Иван", phone="+8613800138000"),
    })  # fmt: skip
    return event.model_copy(update={"payload": payload})


def dispatched(cls, i: int, tenant: str, payload, seconds: int = 30):
    return cls(
        occurred_at=T0 + timedelta(minutes=i, seconds=seconds), producer="dispatch",
        tenant_id=tenant, ticket_id=f"l-{i}", payload=payload,
    )  # fmt: skip


@pytest.fixture
async def gateway(service_settings, infra, issuer, mongo_client, namespace):
    settings = service_settings(GatewaySettings, oidc_issuer=issuer.url)
    tenant = f"{namespace}-t"
    registrations = [registration(i, tenant) for i in range(len(SUBJECTS))]
    changes = [
        dispatched(d.TicketTagged, 2, tenant, d.TicketTagsPayload(tag="vip", tags=["vip"])),
        dispatched(d.TicketWatchChanged, 3, tenant, d.TicketWatchChangedPayload(
            watcher="li.wei", watching=True, watchers=["li.wei"])),
        dispatched(d.TicketCommented, 0, tenant, d.TicketCommentedPayload(
            comment_id="c-1", body="fibre cut at the cabinet", visibility="internal",
            status="new"), seconds=10),
    ]  # fmt: skip
    async with running(create_app(settings)) as client:
        client.headers.update(issuer.headers(tenant, ["supervisor"]))
        topics = settings.topics
        # The changes first: a registration seen after them must not undo them.
        await publish_in_order(infra.kafka_bootstrap, topics.dispatch_events, *changes)
        await publish_in_order(infra.kafka_bootstrap, topics.intake_events, *registrations)
        await eventually(
            partial(client.get, "/tickets", params={"limit": 50}),
            lambda r: len(r.json()["items"]) == len(SUBJECTS),
        )
        yield client, tenant
    await mongo_client.drop_database(settings.mongo_db)


async def ids(client, **params) -> list[str]:
    response = await client.get("/tickets", params=params)
    assert response.status_code == 200, response.text
    return [t["ticket_id"] for t in response.json()["items"]]


async def test_a_list_walks_page_by_page_newest_first_without_repeats(gateway):
    client, _ = gateway
    seen, after = [], None
    for _ in range(5):
        page = (
            await client.get("/tickets", params={"limit": 3} | ({"after": after} if after else {}))
        ).json()
        seen += [t["ticket_id"] for t in page["items"]]
        after = page["next"]
        if after is None:
            break
    oldest = await ids(client, limit=2, order="oldest")

    assert seen == [f"l-{i}" for i in reversed(range(len(SUBJECTS)))]
    assert oldest == ["l-0", "l-1"]
    assert "timeline" not in (await client.get("/tickets")).json()["items"][0]


async def test_keywords_find_chinese_russian_and_english_text(gateway):
    client, _ = gateway

    assert await ids(client, q="宽带") == ["l-6", "l-0"]
    assert await ids(client, q="无法上网") == ["l-0"]
    assert await ids(client, q="посылк") == ["l-1"]
    assert await ids(client, q="BROADBAND down") == ["l-2"]
    assert await ids(client, q="王女士") == ["l-0"]
    assert await ids(client, q="nothing-like-this") == []


async def test_keywords_combine_with_the_other_filters(gateway):
    client, _ = gateway

    assert await ids(client, q="broadband", tag="vip") == ["l-2"]
    assert await ids(client, q="宽带", status="new") == ["l-6", "l-0"]
    assert await ids(client, q="宽带", tag="vip") == []
    assert await ids(client, q="宽带", limit=1) == ["l-6"]


async def test_numbers_are_found_exactly_or_by_prefix(gateway):
    client, tenant = gateway

    assert await ids(client, number=f"{tenant}-20260301-0003") == ["l-3"]
    assert await ids(client, number=f"{tenant}-20260300*") == ["l-6", "l-4", "l-2", "l-0"]
    assert await ids(client, number=f"{tenant}-2026030") == []


async def test_filters_and_saved_views(gateway, issuer):
    client, tenant = gateway
    watcher = issuer.headers(tenant, ["dispatcher"], username="li.wei")

    assert await ids(client, tag="vip") == ["l-2"]
    assert await ids(client, status="new", limit=2) == ["l-6", "l-5"]
    assert await ids(client, created_from=(T0 + timedelta(minutes=5)).isoformat()) == ["l-6", "l-5"]
    watched = await client.get("/views/my-watched", headers=watcher)
    queue = await client.get("/views/dispatch-centre-queue", params={"limit": 1})
    unknown = await client.get("/views/everything")
    assert [t["ticket_id"] for t in watched.json()["items"]] == ["l-3"]
    assert [t["ticket_id"] for t in queue.json()["items"]] == ["l-6"]
    assert unknown.status_code == 422


async def test_the_detail_has_the_history_of_every_event_in_time_order(gateway):
    client, _ = gateway

    detail = (await client.get("/tickets/l-0")).json()
    history = (await client.get("/tickets/l-0/history")).json()

    assert [h["type"] for h in detail["history"]] == ["ticket.registered", "ticket.commented"]
    assert history == detail["history"]
    assert history[1]["details"]["body"] == "fibre cut at the cabinet"
    assert detail["contact"]["name"] == "王女士"
    assert "search" not in detail


async def test_newest_first_pages_cross_the_time_windows_in_order(
    service_settings, infra, issuer, mongo_client, namespace
):
    settings = service_settings(GatewaySettings, oidc_issuer=issuer.url)
    tenant = f"{namespace}-w"
    now = datetime.now(UTC)
    ages = [timedelta(minutes=30), timedelta(hours=3), timedelta(days=2), timedelta(days=100),
            timedelta(days=3 * 365), timedelta(days=3 * 365, seconds=1)]  # fmt: skip
    events = [ticket_registered(f"w-{i}", tenant_id=tenant, at=now - age)
              for i, age in enumerate(ages)]  # fmt: skip
    async with running(create_app(settings)) as client:
        client.headers.update(issuer.headers(tenant, ["supervisor"]))
        await publish_in_order(infra.kafka_bootstrap, settings.topics.intake_events, *events)
        await eventually(
            partial(client.get, "/tickets", params={"limit": 50}),
            lambda r: len(r.json()["items"]) == len(ages),
        )
        listed = await every_page(client, {})
        searched = await every_page(client, {"q": "subject"})
    await mongo_client.drop_database(settings.mongo_db)

    assert listed == [f"w-{i}" for i in range(len(ages))]
    assert searched == listed


async def test_a_keyword_and_a_filter_find_a_match_behind_many_that_only_hold_the_keyword(
    service_settings, infra, issuer, mongo_client, namespace
):
    """The keyword's tickets are checked against the rest of the filter in chunks: the one
    complaint is the oldest of 250 holding the keyword, beyond the first chunks."""
    settings = service_settings(GatewaySettings, oidc_issuer=issuer.url)
    tenant = f"{namespace}-k"
    now = datetime.now(UTC)
    events = [
        ticket_registered(
            f"k-{i}", TicketType.COMPLAINT if i == 0 else TicketType.INCIDENT, tenant_id=tenant,
            at=now - timedelta(minutes=250 - i),
        )
        for i in range(250)
    ]  # fmt: skip
    async with running(create_app(settings)) as client:
        client.headers.update(issuer.headers(tenant, ["supervisor"]))
        await publish_in_order(infra.kafka_bootstrap, settings.topics.intake_events, *events)
        everything = [f"k-{i}" for i in range(250)]

        async def newest_and_oldest() -> list[str]:
            newest = await ids(client, limit=200)
            return sorted({*newest, *await ids(client, order="oldest", limit=200)})

        await eventually(newest_and_oldest, lambda seen: seen == sorted(everything), timeout=90)
        found = await ids(client, q="subject", type="complaint")
        incidents = await ids(client, q="subject", type="incident", limit=150)
    await mongo_client.drop_database(settings.mongo_db)

    assert found == ["k-0"]
    assert incidents == [f"k-{i}" for i in range(249, 99, -1)]


async def every_page(client, params: dict[str, str]) -> list[str]:
    """The ids of every page of two, following the cursor."""
    seen: list[str] = []
    after: str | None = None
    while True:
        page = (
            await client.get(
                "/tickets", params={"limit": 2, **params} | ({"after": after} if after else {})
            )
        ).json()
        seen += [t["ticket_id"] for t in page["items"]]
        after = page["next"]
        if after is None:
            return seen


async def test_a_requester_sees_only_what_they_submitted_without_internal_comments(
    service_settings, infra, issuer, mongo_client, namespace
):
    settings = service_settings(GatewaySettings, oidc_issuer=issuer.url)
    tenant = f"{namespace}-p"
    mine = ticket_registered("p-1", tenant_id=tenant).model_copy(
        update={"actor": Actor(id="ivan", role="requester")}
    )
    theirs = ticket_registered("p-2", tenant_id=tenant).model_copy(
        update={"actor": Actor(id="olga", role="requester")}
    )
    comments = [
        dispatched(d.TicketCommented, 0, tenant, d.TicketCommentedPayload(
            comment_id=f"c-{visibility}", body=f"{visibility} note", visibility=visibility,
            status="new"), seconds=1 + n)
        for n, visibility in enumerate(("internal", "portal"))
    ]  # fmt: skip
    comments = [c.model_copy(update={"ticket_id": "p-1"}) for c in comments]
    ivan = issuer.headers(tenant, ["requester"], username="ivan")
    async with running(create_app(settings)) as client:
        await publish_in_order(infra.kafka_bootstrap, settings.topics.intake_events, mine, theirs)
        await publish_in_order(infra.kafka_bootstrap, settings.topics.dispatch_events, *comments)
        staff = issuer.headers(tenant, ["agent"])
        await eventually(
            lambda: client.get("/tickets/p-1", headers=staff),
            lambda r: len(r.json().get("history", [])) == 3,
        )
        listed = await client.get("/tickets", headers=ivan)
        searched = await client.get("/tickets", params={"q": "subject"}, headers=ivan)
        detail = await client.get("/tickets/p-1", headers=ivan)
        other = await client.get("/tickets/p-2", headers=ivan)
        staff_detail = await client.get("/tickets/p-1", headers=staff)
    await mongo_client.drop_database(settings.mongo_db)

    assert [t["ticket_id"] for t in listed.json()["items"]] == ["p-1"]
    assert [t["ticket_id"] for t in searched.json()["items"]] == ["p-1"]
    bodies = [h["details"]["body"] for h in detail.json()["history"] if "body" in h["details"]]
    assert bodies == ["portal note"]
    assert other.status_code == 404
    assert len(staff_detail.json()["history"]) == 3
