"""存盘 and 直接答复 on the real servers: a draft is saved, listed, submitted once; a
ticket answered at first contact is announced as such."""

import asyncio

from shared.events import TicketRegistered
from shared.testing.builders import submission_fields
from shared.testing.recorder import TopicRecorder

AGENT = {"X-Actor-Id": "agent.wang", "X-Actor-Role": "agent"}
OTHER = {"X-Actor-Id": "agent.li", "X-Actor-Role": "agent"}
ANSWER = {"cause": "password forgotten", "solution": "reset it", "closure_code": "PWD"}


async def test_save_list_submit_registers_once_and_the_draft_is_gone(
    intake, infra, settings, namespace, mongo_client
):
    partial = {"tenant_id": namespace, "subject": "Parcel lost", "urgency": 2}
    async with TopicRecorder(infra.kafka_bootstrap, settings.topics.intake_events) as events:
        saved = await intake.post("/drafts", json=partial, headers=AGENT)
        draft_id = saved.json()["draft_id"]
        mine = await intake.get(f"/tenants/{namespace}/drafts", headers=AGENT)
        theirs = await intake.get(f"/tenants/{namespace}/drafts", headers=OTHER)
        peeked = await intake.get(f"/drafts/{draft_id}", headers=OTHER)
        incomplete = await intake.post(f"/drafts/{draft_id}/submit", headers=AGENT)
        full = submission_fields(tenant_id=namespace, urgency=2)
        del full["external_ref"]
        updated = await intake.put(f"/drafts/{draft_id}", json=full, headers=AGENT)
        first, second = await asyncio.gather(
            intake.post(f"/drafts/{draft_id}/submit", headers=AGENT),
            intake.post(f"/drafts/{draft_id}/submit", headers=AGENT),
        )
        again = await intake.post(f"/drafts/{draft_id}/submit", headers=AGENT)
        left = await intake.get(f"/tenants/{namespace}/drafts", headers=AGENT)
        gone = await intake.get(f"/drafts/{draft_id}", headers=AGENT)
        [registered] = await events.wait_for_count(1)
        await asyncio.sleep(1)  # nothing else follows
    assert saved.status_code == 201, saved.text
    assert {k: v for k, v in saved.json()["content"].items() if v is not None} == partial
    assert [d["draft_id"] for d in mine.json()] == [draft_id]
    assert (theirs.json(), peeked.status_code) == ([], 404)
    assert incomplete.status_code == 422
    assert {p["field"] for p in incomplete.json()["detail"]} == {"source", "type"}
    assert updated.status_code == 200, updated.text
    assert sorted([first.status_code, second.status_code]) == [200, 201], first.text
    tickets = {r.json()["ticket_id"] for r in (first, second, again)}
    assert len(tickets) == 1
    assert again.status_code == 200
    assert first.json()["submission"]["external_ref"] == f"draft-{draft_id}"
    assert (left.json(), gone.status_code) == ([], 404)
    assert isinstance(registered, TicketRegistered)
    assert registered.ticket_id in tickets
    assert registered.actor.id == "agent.wang"
    assert len(events.events()) == 1
    db = mongo_client[settings.mongo_db]
    assert await db.tickets.count_documents({}) == 1


async def test_a_draft_is_checked_like_a_submission_and_needs_a_known_tenant(intake, namespace):
    bad = await intake.post(
        "/drafts", json={"tenant_id": namespace, "urgency": "2", "subject": "x" * 201},
        headers=AGENT,
    )  # fmt: skip
    unknown = await intake.post("/drafts", json={"tenant_id": "nobody"}, headers=AGENT)
    anonymous = await intake.post("/drafts", json={"tenant_id": namespace})
    saved = (await intake.post("/drafts", json={"tenant_id": namespace}, headers=AGENT)).json()
    discarded = await intake.delete(f"/drafts/{saved['draft_id']}", headers=AGENT)
    assert {p["field"] for p in bad.json()["detail"]} == {"urgency", "subject"}
    assert [p["field"] for p in unknown.json()["detail"]] == ["tenant_id"]
    assert anonymous.status_code == 422
    assert discarded.status_code == 204
    assert (await intake.get(f"/tenants/{namespace}/drafts", headers=AGENT)).json() == []


async def test_a_ticket_answered_at_first_contact_is_announced_as_such(
    intake, infra, settings, namespace
):
    body = submission_fields(tenant_id=namespace, first_contact_resolution=ANSWER)
    async with TopicRecorder(infra.kafka_bootstrap, settings.topics.intake_events) as events:
        by_customer = await intake.post(
            "/tickets", json=body | {"external_ref": "r-0"},
            headers={"X-Actor-Id": "c-1", "X-Actor-Role": "requester"},
        )  # fmt: skip
        answered = await intake.post("/tickets", json=body, headers=AGENT)
        [registered] = await events.wait_for_count(1)
    assert by_customer.status_code == 403
    assert answered.status_code == 201, answered.text
    assert answered.json()["submission"]["first_contact_resolution"] == ANSWER
    assert isinstance(registered, TicketRegistered)
    assert registered.payload.resolved_at_first_contact
    assert registered.actor.id == "agent.wang"
