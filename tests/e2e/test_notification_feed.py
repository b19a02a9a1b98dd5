"""A staff member's in-app notices: notify posts what it tells them (here: a new ticket
assigned to li.wei) and the gateway streams it to their dashboard and lists it, in their
language, for them alone."""

import httpx

from shared.testing.waiting import eventually
from tests.e2e.test_live_feed import listening
from tests.e2e.test_walking_skeleton import submission

FEED = "/me/notifications/stream"
NOTIFY_ADMIN = {"X-Actor-Id": "root", "X-Actor-Role": "admin"}


async def test_an_assignment_appears_on_the_assignees_feed_once_and_is_marked_read(
    stack, namespace, issuer
):
    li_wei = issuer.headers(namespace, ["field_engineer"], username="li.wei")
    colleague = issuer.headers(namespace, ["field_engineer"], username="zhang.min")
    async with httpx.AsyncClient(base_url=stack["notify"]) as notify:
        person = {"name": "Li Wei", "language": "en", "channels": {"ticket_assigned": ["in_app"]}}
        put = await notify.put(f"/tenants/{namespace}/people/li.wei", json=person,
                               headers=NOTIFY_ADMIN)  # fmt: skip
        assert put.status_code == 200, put.text
    async with (
        listening(stack["gateway"], li_wei, path=FEED) as mine,
        listening(stack["gateway"], colleague, path=FEED) as theirs,
        httpx.AsyncClient(base_url=stack["intake"]) as intake,
        httpx.AsyncClient(base_url=stack["gateway"]) as gateway,
    ):
        ticket = (await intake.post("/tickets", json=submission(namespace, "feed-n1"))).json()
        tid = ticket["ticket_id"]
        [event] = await eventually(
            lambda: _now([e for e in mine if e["data"].get("ticket_id") == tid]),
            lambda es: len(es) >= 1, timeout=60,
        )  # fmt: skip
        listed = await gateway.get("/me/notifications", headers=li_wei)
        notice_id = event["data"]["notice_id"]
        read = await gateway.post(f"/me/notifications/{notice_id}/read", headers=li_wei)
        not_theirs = await gateway.post(f"/me/notifications/{notice_id}/read", headers=colleague)
        unread = await gateway.get("/me/notifications", params={"unread": "true"},
                                   headers=li_wei)  # fmt: skip
        requester = await gateway.get("/me/notifications",
                                      headers=issuer.headers(namespace, ["requester"]))  # fmt: skip

    assert event["event"] == "notification"
    assert event["data"]["kind"] == "ticket_assigned"
    assert ticket["number"] in event["data"]["text"]
    assert event["data"]["critical"] is False
    assert [n["notice_id"] for n in listed.json() if n["ticket_id"] == tid] == [notice_id]
    assert read.status_code == 204
    assert not_theirs.status_code == 404
    assert tid not in [n["ticket_id"] for n in unread.json()]
    assert [e for e in theirs if e["data"].get("ticket_id") == tid] == []
    assert requester.status_code == 403


async def _now(value):
    return value
