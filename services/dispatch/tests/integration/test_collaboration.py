"""The commands that leave the status alone, through HTTP to the published events."""

import asyncio
from datetime import UTC, datetime, timedelta

from services.dispatch.tests.integration.helpers import (
    assigned_ticket,
    command,
    configure,
    who,
    work_order,
)
from shared.testing.recorder import TopicRecorder

LI = ("li.wei", "agent")


async def test_tags_watchers_sharing_comments_problems_and_changes(dispatch, settings, infra):
    topics = settings.topics
    start = datetime.now(UTC) + timedelta(days=1)
    change = {
        "title": "swap OLT card", "description": "card 3 faulty", "risk": "medium",
        "planned_start": start.isoformat(), "planned_end": (start + timedelta(hours=1)).isoformat(),
        "rollback_plan": "put the old card back",
    }  # fmt: skip
    for person in ("li.wei", "qian", "sun"):  # rule 12: shared inside the directory's centre
        await configure(dispatch, "acme", f"staff/{person}", {"name": person})
    async with TopicRecorder(infra.kafka_bootstrap, topics.dispatch_events) as out:
        await assigned_ticket(dispatch, infra.kafka_bootstrap, topics.intake_events, "k-1")
        await command(dispatch, "k-1", "accept", LI)
        tagged = await command(dispatch, "k-1", "tags", LI, {"tag": "vip"})
        untagged = await dispatch.delete("/work-orders/k-1/tags/vip", headers=who(*LI))
        await command(dispatch, "k-1", "tags", LI, {"tag": "fibre/backbone"})
        # A "/" in a tag travels as %2F, and arrives decoded.
        slashed = await dispatch.delete("/work-orders/k-1/tags/fibre%2Fbackbone", headers=who(*LI))
        watched = await dispatch.put(
            "/work-orders/k-1/watchers/me", headers=who("zhao", "supervisor")
        )
        shared = await command(dispatch, "k-1", "share", LI, {"shared_with": ["qian", "sun"]})
        internal = await command(dispatch, "k-1", "comments", LI, {"body": "OLT port 3 flapping"})
        portal = await command(
            dispatch, "k-1", "portal-messages", ("c-1", "requester"), {"body": "any news?"}
        )
        problem = await command(
            dispatch, "k-1", "problems", LI, {"title": "OLT flaps", "description": "port 3"}
        )
        submitted = await command(dispatch, "k-1", "changes", LI, change)
        backwards = await command(
            dispatch, "k-1", "changes", LI, change | {"planned_end": change["planned_start"]}
        )
        await out.wait_for(lambda rs: any(b"change.submitted" in (r.value or b"") for r in rs))
    view = await work_order(dispatch, "k-1")
    assert tagged.json()["tags"] == ["vip"]
    assert untagged.json()["tags"] == []
    assert (slashed.status_code, slashed.json()["tags"]) == (200, [])
    assert watched.json()["watchers"] == ["zhao"]
    assert shared.json()["shared_with"] == ["qian", "sun"]
    assert (internal.status_code, portal.status_code, problem.status_code) == (201, 201, 201)
    assert backwards.status_code == 422
    assert view["problems"] == [problem.json()["id"]]
    assert view["changes"] == [submitted.json()["id"]]
    assert view["status"] == "accepted"
    comments = [e.payload for e in out.events() if e.event_type == "ticket.commented"]
    assert [(c.visibility, c.body) for c in comments] == [
        ("internal", "OLT port 3 flapping"), ("portal", "any news?"),
    ]  # fmt: skip
    kinds = {e.event_type for e in out.events()}
    assert {"ticket.watch_changed", "ticket.shared", "problem.created"} <= kinds
    tags = [(e.event_type, e.payload.tag, e.payload.tags) for e in out.events()
            if e.event_type in ("ticket.tagged", "ticket.untagged")]  # fmt: skip
    assert tags == [
        ("ticket.tagged", "vip", ["vip"]), ("ticket.untagged", "vip", []),
        ("ticket.tagged", "fibre/backbone", ["fibre/backbone"]),
        ("ticket.untagged", "fibre/backbone", []),
    ]  # fmt: skip


async def test_concurrent_commands_without_if_match_lose_no_update(dispatch, settings, infra):
    await configure(dispatch, "acme", "policy", {"urge_escalation_threshold": 0})
    await assigned_ticket(dispatch, infra.kafka_bootstrap, settings.topics.intake_events, "n-1")
    urges = [command(dispatch, "n-1", "urge", (f"desk-{i}", "agent")) for i in range(5)]
    responses = await asyncio.gather(*urges)
    assert [r.status_code for r in responses] == [200] * 5
    view = await work_order(dispatch, "n-1")
    assert (view["urge_count"], view["status"]) == (5, "assigned")
    history = (await dispatch.get("/work-orders/n-1/history")).json()
    assert sum(h["command"] == "urge" for h in history) == 5
