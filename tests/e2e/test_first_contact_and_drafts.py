"""The call-centre manual's three choices at registration, through the gateway: save a
draft (存盘) and submit it later, once; answer directly (直接答复: registered and closed at
once, never routed, counted in reports); or submit to the back office (every other test)."""

from datetime import UTC, datetime, timedelta

import httpx

from shared.testing.waiting import eventually
from tests.e2e.test_walking_skeleton import submission


async def test_a_draft_is_saved_listed_and_submitted_once_in_its_tenant_only(
    stack, namespace, issuer
):
    agent = issuer.headers(namespace, ["agent"], username="wang.agent")
    namesake = issuer.headers(f"{namespace}-other", ["agent"], username="wang.agent")
    async with httpx.AsyncClient(base_url=stack["gateway"]) as gateway:
        saved = await gateway.post("/drafts", json={"subject": "宽带时断时续"}, headers=agent)
        draft_id = saved.json()["draft_id"]
        listed = await gateway.get("/drafts", headers=agent)
        early = await gateway.post(f"/drafts/{draft_id}/submit", headers=agent)
        full = submission(namespace, "draft-1") | {"subject": "宽带时断时续"}
        updated = await gateway.put(f"/drafts/{draft_id}", json=full, headers=agent)
        foreign = await gateway.get(f"/drafts/{draft_id}", headers=namesake)
        first = await gateway.post(f"/drafts/{draft_id}/submit", headers=agent)
        again = await gateway.post(f"/drafts/{draft_id}/submit", headers=agent)
        left = await gateway.get("/drafts", headers=agent)

    assert saved.status_code == 201, saved.text
    assert saved.json()["tenant_id"] == namespace
    assert [d["draft_id"] for d in listed.json()] == [draft_id]
    assert early.status_code == 422
    assert {e["field"] for e in early.json()["detail"]} >= {"source", "type"}
    assert updated.status_code == 200, updated.text
    assert foreign.status_code == 404
    assert first.status_code == 201, first.text
    assert (again.status_code, again.json()["ticket_id"]) == (200, first.json()["ticket_id"])
    assert left.json() == []


async def test_an_answer_given_during_the_call_closes_the_ticket_at_once(stack, namespace, issuer):
    agent = issuer.headers(namespace, ["agent"], username="wang.agent")
    supervisor = issuer.headers(namespace, ["supervisor"], username="zhao.lei")
    answer = {"cause": "路由器指示灯异常", "solution": "指导客户重启光猫", "closure_code": "GUIDED"}
    answered = submission(namespace, "fcr-1") | {"first_contact_resolution": answer}
    now = datetime.now(UTC)
    period = {"from": (now - timedelta(days=1)).isoformat(), "by": "status",
              "to": (now + timedelta(days=1)).isoformat()}  # fmt: skip
    async with httpx.AsyncClient(base_url=stack["gateway"]) as gateway:
        registered = await gateway.post("/tickets", json=answered, headers=agent)
        tid = registered.json()["ticket_id"]
        view = await eventually(
            lambda: gateway.get(f"/tickets/{tid}", headers=supervisor),
            lambda r: r.status_code == 200 and r.json().get("status") == "closed", timeout=60,
        )  # fmt: skip
        report = await gateway.get("/reports/tickets", params=period, headers=supervisor)

    assert registered.status_code == 201, registered.text
    ticket = view.json()
    assert ticket.get("assignee") is None
    steps = [(h["type"], h["actor"]["id"]) for h in ticket["history"]]
    assert ("ticket.resolved", "wang.agent") in steps
    assert ("ticket.closed", "wang.agent") in steps
    assert "ticket.assigned" not in [t for t, _ in steps]
    assert report.json()["total"]["first_contact"] == 1
