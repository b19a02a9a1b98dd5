"""The back office's own steps through the gateway with signed-in people: an approval chain
before the reply (审批), a deadline extension (延期申请) and a tracked ticket (跟踪工单)."""

from datetime import UTC, date, datetime, timedelta

import httpx

from shared.testing.waiting import eventually
from tests.e2e.test_walking_skeleton import submission

DISPATCH_ADMIN = {"X-Actor-Id": "root", "X-Actor-Role": "admin"}
FIX = {"cause": "光缆中断", "solution": "熔接光纤", "closure_code": "FIBRE"}


async def _assigned(intake, gateway, namespace: str, ref: str, who, **fields) -> str:
    created = await intake.post("/tickets", json=submission(namespace, ref) | fields)
    tid = str(created.json()["ticket_id"])
    await eventually(
        lambda: gateway.get(f"/tickets/{tid}", headers=who),
        lambda r: r.status_code == 200 and r.json().get("assignee") == "li.wei",
    )
    return tid


async def test_a_sensitive_reply_is_approved_an_extension_granted_and_a_ticket_tracked(
    stack, namespace, issuer
):
    engineer = issuer.headers(namespace, ["field_engineer"], username="li.wei")
    lead = issuer.headers(namespace, ["group_lead"], username="wang.lead")
    async with (
        httpx.AsyncClient(base_url=stack["dispatch"]) as dispatch,
        httpx.AsyncClient(base_url=stack["intake"]) as intake,
        httpx.AsyncClient(base_url=stack["gateway"]) as gateway,
    ):
        rule = {"order": 1, "tags": ["sensitive"], "chain": [{"role": "group_lead"}]}
        put = await dispatch.put(f"/admin/tenants/{namespace}/approval-rules/sensitive",
                                 json=rule, headers=DISPATCH_ADMIN)  # fmt: skip
        sensitive = await _assigned(intake, gateway, namespace, "ap-1", lead, tags=["sensitive"])
        other = await _assigned(intake, gateway, namespace, "ap-2", lead)

        async def step(tid: str, command: str, who, body=None) -> httpx.Response:
            return await gateway.post(f"/tickets/{tid}/{command}", json=body or {}, headers=who)

        for command in ("accept", "start"):
            for tid in (sensitive, other):
                assert (await step(tid, command, engineer)).status_code == 200
        proposed = await step(sensitive, "resolve", engineer, FIX)
        queue = await gateway.get("/approvals", headers=lead)
        approved = await step(sensitive, "approve", lead, {"comment": "同意回复"})
        until = (datetime.now(UTC) + timedelta(days=3)).isoformat()
        asked = await step(other, "request-extension", engineer,
                           {"until": until, "reason": "等待备件"})  # fmt: skip
        pending = await gateway.get("/extensions", params={"state": "pending"}, headers=lead)
        granted = await step(other, "approve-extension", lead, {"comment": "可以"})
        resolved = await step(other, "resolve", engineer, FIX)
        tracked = await step(other, "track", engineer, {"on": date.today().isoformat(),
                                                        "note": "回访确认信号"})  # fmt: skip
        mine = await gateway.get("/views/tracked", headers=engineer)
        history = await eventually(
            lambda: gateway.get(f"/tickets/{sensitive}/history", headers=lead),
            lambda r: "ticket.approved" in [h["type"] for h in r.json()], timeout=60,
        )  # fmt: skip

    assert put.status_code == 200, put.text
    assert (proposed.status_code, proposed.json()["status"]) == (200, "pending_approval")
    assert [t["ticket_id"] for t in queue.json()] == [sensitive]
    assert (approved.status_code, approved.json()["status"]) == (200, "resolved")
    assert asked.status_code == 200, asked.text
    assert [e["ticket_id"] for e in pending.json()["extensions"]] == [other]
    assert granted.status_code == 200, granted.text
    assert resolved.status_code == 200, resolved.text
    assert tracked.status_code == 200, tracked.text
    assert [t["ticket_id"] for t in mine.json()] == [other]
    # The last approval and the resolution it applies happen at one instant: compare times.
    at = {h["type"]: h["at"] for h in history.json()}
    assert at["ticket.approval_requested"] <= at["ticket.approved"] == at["ticket.resolved"]
