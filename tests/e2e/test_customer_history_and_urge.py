"""客户历史 and 录入追加信息后再催单 through the gateway process: an agent types the customer's
number, finds the ticket in flight, appends what the customer adds and urges it in one
request — once, however often the client retries — and is told clearly when the urge could
not follow the note."""

from typing import Any

import httpx

from shared.testing.waiting import eventually
from tests.e2e.test_walking_skeleton import submission

PHONE = "+8613912345678"


def of_type(history: list[dict[str, Any]], event_type: str) -> list[dict[str, Any]]:
    return [e for e in history if e["type"] == event_type]


async def test_an_agent_finds_the_customers_ticket_appends_and_urges_it_once(
    stack, namespace, issuer
):
    agent = issuer.headers(namespace, ["agent"], username="zhang.min")
    engineer = issuer.headers(namespace, ["field_engineer"], username="li.wei")
    stranger = issuer.headers(f"{namespace}-other", ["agent"], username="zhang.min")
    customer = submission(namespace, "cust-1") | {"contact": {"phone": "+86 139 1234 5678"}}
    added = {"text": "客户补充: 光猫 LOS 灯红色闪烁", "note": "客户第二次来电"}
    async with httpx.AsyncClient(base_url=stack["gateway"], timeout=30) as gateway:
        registered = await gateway.post("/tickets", json=customer, headers=agent)
        assert registered.status_code == 201, registered.text
        tid = registered.json()["ticket_id"]
        found = await eventually(
            lambda: gateway.get("/customers/+86 139-1234-5678/tickets", headers=agent),
            lambda r: (
                [t["ticket_id"] for t in r.json()["in_flight"]] == [tid]
                and r.json()["in_flight"][0].get("assignee") == "li.wei"
            ),
            timeout=60,
        )
        elsewhere = await gateway.get(f"/customers/{PHONE}/tickets", headers=stranger)
        key = {"Idempotency-Key": f"{namespace}-append-1"}
        first = await gateway.post(
            f"/tickets/{tid}/append-and-urge", json=added, headers=agent | key
        )
        retried = await gateway.post(
            f"/tickets/{tid}/append-and-urge", json=added, headers=agent | key
        )
        other_text = await gateway.post(
            f"/tickets/{tid}/append-and-urge", json={"text": "else"}, headers=agent | key
        )
        ticket = await eventually(
            lambda: gateway.get(f"/tickets/{tid}", headers=engineer),
            lambda r: (
                r.json().get("urge_count") == 1
                and len(of_type(r.json()["history"], "ticket.commented")) == 1
            ),
        )

    assert found.json()["history"] == []
    assert elsewhere.json() == {"in_flight": [], "history": [], "truncated": False}
    assert first.status_code == 200, first.text
    assert first.json()["comment"]["ticket_id"] == tid
    assert first.json()["ticket"]["urge_count"] == 1
    assert retried.json() == first.json()
    assert other_text.status_code == 422
    history = ticket.json()["history"]
    (comment,) = of_type(history, "ticket.commented")
    assert comment["details"]["body"] == added["text"]
    assert comment["details"]["visibility"] == "internal"
    assert comment["actor"] == {"id": "zhang.min", "role": "agent"}
    (urge,) = of_type(history, "ticket.urged")
    assert urge["actor"]["id"] == "zhang.min"
    assert urge["at"] > comment["at"]


async def test_when_the_ticket_cannot_be_urged_the_agent_is_told_what_was_appended(
    stack, namespace, issuer
):
    agent = issuer.headers(namespace, ["agent"], username="zhang.min")
    async with httpx.AsyncClient(base_url=stack["gateway"], timeout=30) as gateway:
        registered = await gateway.post(
            "/tickets", json=submission(namespace, "cust-2"), headers=agent
        )
        tid = registered.json()["ticket_id"]
        await eventually(
            lambda: gateway.get(f"/tickets/{tid}", headers=agent),
            lambda r: r.status_code == 200 and r.json().get("assignee") == "li.wei",
            timeout=60,
        )
        canceled = await gateway.post(
            f"/tickets/{tid}/cancel", json={"reason": "客户自行恢复"}, headers=agent
        )
        assert canceled.status_code == 200, canceled.text
        half = await gateway.post(
            f"/tickets/{tid}/append-and-urge", json={"text": "客户又来电"}, headers=agent
        )
        ticket = await eventually(
            lambda: gateway.get(f"/tickets/{tid}", headers=agent),
            lambda r: len(of_type(r.json()["history"], "ticket.commented")) == 1,
        )
        customer = await gateway.get("/customers/+8613800138000/tickets", headers=agent)

    assert half.status_code == 409, half.text
    detail = half.json()["detail"]
    assert "not urged" in detail["message"]
    assert detail["done"][0]["step"] == "append"
    assert detail["done"][0]["comment"]["ticket_id"] == tid
    assert detail["failed"]["step"] == "urge"
    assert detail["failed"]["status"] == 409
    assert of_type(ticket.json()["history"], "ticket.urged") == []
    assert tid in [t["ticket_id"] for t in customer.json()["history"]]
