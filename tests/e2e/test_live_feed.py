"""The live feed a dashboard listens to: a tenant's ticket changes and major incidents as
Server-Sent Events from the gateway process, resumable with Last-Event-ID."""

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx

from shared.testing.waiting import eventually
from tests.e2e.test_walking_skeleton import submission

Event = dict[str, Any]


@contextlib.asynccontextmanager
async def listening(
    gateway_url: str, headers: dict[str, str], last_event_id: str | None = None,
    path: str = "/events/stream",
) -> AsyncIterator[list[Event]]:  # fmt: skip
    """The events the feed sends, collected as they arrive, until the block ends."""
    events: list[Event] = []
    resume = {"Last-Event-ID": last_event_id} if last_event_id else {}
    opened = asyncio.Event()

    async def collect() -> None:
        timeout = httpx.Timeout(10, read=None)
        async with (
            httpx.AsyncClient(base_url=gateway_url, timeout=timeout) as client,
            client.stream("GET", path, headers=headers | resume) as response,
        ):
            assert response.status_code == 200, await response.aread()
            opened.set()
            event: Event = {}
            async for line in response.aiter_lines():
                if not line:  # a blank line ends an event; keepalive comments have no name
                    if "event" in event:
                        events.append(event)
                    event = {}
                    continue
                name, _, value = line.partition(": ")
                event[name] = json.loads(value) if name == "data" else value

    task = asyncio.create_task(collect())
    await asyncio.wait_for(opened.wait(), 30)
    # The change stream is open once the response started; give the server its first poll.
    await asyncio.sleep(0.5)
    try:
        yield events
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def about(events: list[Event], ticket_id: str) -> list[Event]:
    return [e for e in events if e.get("data", {}).get("ticket_id") == ticket_id]


async def test_a_major_incident_reaches_the_dashboard_and_a_reconnect_misses_nothing(
    stack, namespace, issuer, signed_in
):
    engineer = {"X-Actor-Id": "li.wei", "X-Actor-Role": "field_engineer"}
    other_tenant = issuer.headers(f"{namespace}-other", ["supervisor"])
    async with (
        listening(stack["gateway"], signed_in) as events,
        listening(stack["gateway"], other_tenant) as others,
        httpx.AsyncClient(base_url=stack["intake"]) as intake,
        httpx.AsyncClient(base_url=stack["dispatch"]) as dispatch,
    ):
        ticket = (await intake.post("/tickets", json=submission(namespace, "feed-1"))).json()
        tid = ticket["ticket_id"]
        assigned = await eventually(
            lambda: _now(about(events, tid)), lambda es: any(e["data"]["assignee"] for e in es)
        )
        upgraded = await dispatch.post(
            f"/work-orders/{tid}/upgrade-severity",
            json={"severity": "major", "reason": "whole district down"}, headers=engineer,
        )  # fmt: skip
        major = await eventually(
            lambda: _now(about(events, tid)),
            lambda es: any(e["event"] == "major-incident" for e in es),
        )
    first = assigned[0]["id"]
    async with listening(stack["gateway"], signed_in, last_event_id=first) as replayed:
        await eventually(
            lambda: _now(about(replayed, tid)),
            lambda es: any(e["event"] == "major-incident" for e in es),
        )
    async with listening(stack["gateway"], signed_in, last_event_id="not-a-token") as reset:
        await eventually(lambda: _now(reset), lambda es: len(es) >= 1)
    async with httpx.AsyncClient(base_url=stack["gateway"]) as client:
        refused = await client.get(
            "/events/stream", headers=issuer.headers(namespace, ["requester"])
        )

    assert upgraded.status_code == 200, upgraded.text
    assert major[-1]["data"]["severity"] == "major"
    assert {e["event"] for e in about(events, tid)} == {"ticket", "major-incident"}
    assert about(others, tid) == []
    # Resumed after the first event: the later ones again, not the first.
    assert first not in [e["id"] for e in replayed]
    # (and whatever changed after the first listener left: SLA or QC may still be writing)
    missed = [e["id"] for e in about(events, tid)][1:]
    assert [e["id"] for e in about(replayed, tid)][: len(missed)] == missed
    assert reset[0]["event"] == "reload"
    assert refused.status_code == 403


async def _now(value: Any) -> Any:
    return list(value)
