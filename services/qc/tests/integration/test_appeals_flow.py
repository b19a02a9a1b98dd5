"""判责 and 申诉 against real Kafka and MongoDB: a complaint is judged, appealed by a member
of the judged unit with a template of the library, and overturned to another unit whose
window the SLA service then closes; a dissatisfied return visit becomes a linked ticket."""

import json
from datetime import timedelta

import pytest

from services.qc.bootstrap import create_app
from services.qc.settings import QcSettings
from shared.events import dispatch as d
from shared.events import sla as s
from shared.events.codec import decode_event
from shared.events.qc import AppealDecided, AppealFiled, ResponsibilityJudged
from shared.events.submissions import RecordedContact, Submission
from shared.events.vocabulary import TicketType
from shared.testing.apps import running
from shared.testing.builders import ticket_registered
from shared.testing.kafka import publish_in_order
from shared.testing.recorder import TopicRecorder
from shared.testing.tenants import make_known
from shared.testing.waiting import eventually

pytestmark = pytest.mark.integration

ADMIN = {"X-Actor-Id": "root", "X-Actor-Role": "admin"}
SUPERVISOR = {"X-Actor-Id": "zhao", "X-Actor-Role": "supervisor"}
LI = {"X-Actor-Id": "li", "X-Actor-Role": "agent"}
WANG = {"X-Actor-Id": "wang", "X-Actor-Role": "agent"}
JUDGING = {"unit": "delivery-3", "category": "延误", "text": "邮件未按时投递", "person": "li"}
APPEAL = {"template_id": "late_scanning.1", "fields": {"month": "3", "day": "1"}}


def complaint(ticket_id: str, tenant: str):
    reg = ticket_registered(ticket_id, ticket_type=TicketType.COMPLAINT, tenant_id=tenant)
    contact = RecordedContact(name="Chen Jing", phone="+8613900000000")
    reg = reg.model_copy(update={"payload": reg.payload.model_copy(update={"contact": contact})})
    closed = d.TicketClosed(
        occurred_at=reg.occurred_at + timedelta(hours=1), producer="dispatch", tenant_id=tenant,
        ticket_id=ticket_id, payload=d.TicketClosedPayload(reason="confirmed"),
    )  # fmt: skip
    return reg, closed


def appeal_window_breached(tenant: str, ticket_id: str, due_at) -> s.SlaBreached:
    return s.SlaBreached(
        occurred_at=due_at, producer="sla", tenant_id=tenant, ticket_id=ticket_id,
        payload=s.SlaBreachedPayload(metric=s.SlaMetric.APPEAL, policy_id="p",
                                     target_seconds=3 * 8 * 3600, due_at=due_at),
    )  # fmt: skip


async def test_a_complaint_is_judged_appealed_and_overturned_to_another_unit(
    service_settings, infra, mongo_client, namespace
):
    settings = service_settings(QcSettings)
    tenant, topics = f"{namespace}-appeal", settings.topics
    reg, closed = complaint("c-1", tenant)
    async with (
        running(create_app(settings)) as qc,
        TopicRecorder(infra.kafka_bootstrap, topics.qc_events) as qc_events,
    ):
        await make_known(qc, infra.kafka_bootstrap, topics, tenant)
        units = (("delivery-3", {"name": "投递三部", "members": ["li"]}),
                 ("sorting", {"name": "分拣中心", "members": ["wang"]}))  # fmt: skip
        for unit, body in units:
            put = await qc.put(f"/tenants/{tenant}/units/{unit}", json=body, headers=ADMIN)
            assert put.is_success, put.text
        await publish_in_order(infra.kafka_bootstrap, topics.intake_events, reg)
        await publish_in_order(infra.kafka_bootstrap, topics.dispatch_events, closed)
        await eventually(lambda: qc.get(f"/tenants/{tenant}/return-visits"), lambda r: r.json())
        unknown = await qc.post("/complaints/c-1/judgement", headers=SUPERVISOR,
                                json=JUDGING | {"unit": "nowhere"})  # fmt: skip
        by_agent = await qc.post("/complaints/c-1/judgement", json=JUDGING, headers=LI)
        judged = await qc.post("/complaints/c-1/judgement", json=JUDGING, headers=SUPERVISOR)
        twice = await qc.post("/complaints/c-1/judgement", json=JUDGING, headers=SUPERVISOR)
        library = await qc.get(f"/tenants/{tenant}/appeal-templates",
                               params={"category": "late_scanning", "language": "en"})  # fmt: skip
        outsider = await qc.post("/complaints/c-1/appeal", json=APPEAL, headers=WANG)
        unfilled = await qc.post("/complaints/c-1/appeal", headers=LI,
                                 json=APPEAL | {"fields": {"month": "3"}})  # fmt: skip
        appealed = await qc.post("/complaints/c-1/appeal", json=APPEAL, headers=LI)
        again = await qc.post("/complaints/c-1/appeal", json=APPEAL, headers=LI)
        queue = await qc.get(f"/tenants/{tenant}/judgements")
        decided = await qc.post("/complaints/c-1/appeal/decision", headers=SUPERVISOR, json={
            "decision": "reassigned", "reason": "收寄局录入不全", "new_unit": "sorting",
        })  # fmt: skip
        # The SLA service says the new judgement's window closed: sorting can no longer appeal.
        breach = appeal_window_breached(tenant, "c-1", reg.occurred_at + timedelta(days=30))
        await publish_in_order(infra.kafka_bootstrap, topics.sla_events, breach, breach)
        closed_window = await eventually(
            lambda: qc.get("/complaints/c-1/judgement"),
            lambda r: r.json()["judgements"][-1]["state"] == "final",
        )
        late = await qc.post("/complaints/c-1/appeal", headers=WANG,
                             json={"category": "other", "text": "非我局责任"})  # fmt: skip
        events = await eventually(lambda: _decoded(qc_events, tenant), lambda es: len(es) >= 4)
    await mongo_client.drop_database(settings.mongo_db)

    assert unknown.status_code == 422
    assert unknown.json()["detail"][0]["field"] == "unit"
    assert by_agent.status_code == 403
    assert judged.status_code == 200, judged.text
    assert twice.status_code == 409
    assert twice.json()["detail"]["allowed"] == ["appeal"]
    [template] = library.json()["templates"]
    assert template["fields"] == ["month", "day"]
    assert "delivery section" in template["text"]
    assert outsider.status_code == 403
    assert unfilled.status_code == 422
    assert unfilled.json()["detail"][0]["field"] == "fields.day"
    assert appealed.status_code == 200, appealed.text
    appeal = appealed.json()["judgements"][0]["appeal"]
    assert appeal["text"].startswith("经核实")
    assert "3月1日" in appeal["text"]
    assert again.status_code == 409
    assert [j["ticket_id"] for j in queue.json()] == ["c-1"]
    assert decided.status_code == 200, decided.text
    assert [(j["unit"], j["state"]) for j in decided.json()["judgements"]] == [
        ("delivery-3", "reassigned"), ("sorting", "standing"),
    ]  # fmt: skip
    assert closed_window.json()["judgements"][-1]["allowed"] == []
    assert late.status_code == 409
    assert "window to appeal closed" in late.json()["detail"]["message"]
    assert [type(e) for e in events] == [
        ResponsibilityJudged, AppealFiled, AppealDecided, ResponsibilityJudged,
    ]  # fmt: skip
    assert [e.payload.judgement_id for e in events] == ["c-1:j1"] * 3 + ["c-1:j2"]


async def _decoded(recorder: TopicRecorder, tenant: str) -> list:
    """The judgement's events (the closed complaint may also be sampled for inspection)."""
    found = [decode_event(r.value or b"") for r in recorder.records]
    kinds = (ResponsibilityJudged, AppealFiled, AppealDecided)
    return [e for e in found if isinstance(e, kinds) and e.tenant_id == tenant]


async def test_tenants_add_their_own_templates_and_retire_any(
    service_settings, mongo_client, namespace
):
    settings = service_settings(QcSettings)
    tenant = f"{namespace}-tpl"
    texts = {"zh-CN": "因{city}暴雪,邮件延误。", "en": "Heavy snow in {city} delayed it."}
    own = {"template_id": "acme.weather", "category": "special_circumstances", "texts": texts}
    async with running(create_app(settings)) as qc:
        await make_known(qc, settings.kafka_bootstrap_servers, settings.topics, tenant)
        added = await qc.post(f"/tenants/{tenant}/appeal-templates", json=own, headers=ADMIN)
        duplicate = await qc.post(f"/tenants/{tenant}/appeal-templates", json=own, headers=ADMIN)
        bad = own | {"template_id": "acme.bad", "texts": {"zh-CN": "{city}", "ru": "{town}"}}
        mismatched = await qc.post(f"/tenants/{tenant}/appeal-templates", json=bad, headers=ADMIN)
        by_agent = await qc.post(f"/tenants/{tenant}/appeal-templates", json=own, headers=LI)
        retired = await qc.post(
            f"/tenants/{tenant}/appeal-templates/special_circumstances.1/retire", headers=ADMIN
        )
        unknown = await qc.post(f"/tenants/{tenant}/appeal-templates/nope/retire", headers=ADMIN)
        asked = {"category": "special_circumstances", "language": "ru"}
        mine = await qc.get(f"/tenants/{tenant}/appeal-templates", params=asked)
        others = await qc.get(f"/tenants/{namespace}-other/appeal-templates")
    await mongo_client.drop_database(settings.mongo_db)

    assert added.status_code == 201, added.text
    assert added.json()["fields"] == ["city"]
    assert duplicate.status_code == 409
    assert mismatched.status_code == 422
    assert by_agent.status_code == 403
    assert retired.status_code == 204
    assert unknown.status_code == 404
    ids = [t["template_id"] for t in mine.json()["templates"]]
    assert "special_circumstances.1" not in ids
    assert "acme.weather" in ids
    assert "special_circumstances.2" in ids
    names = {c["category_id"]: c["name"] for c in mine.json()["categories"]}
    assert len(names) == 8
    assert all(names.values())
    other_ids = [t["template_id"] for t in others.json()["templates"]]
    assert "special_circumstances.1" in other_ids  # retired for one tenant only
    assert "acme.weather" not in other_ids


async def test_a_dissatisfied_customer_gets_a_linked_follow_up_ticket_once(
    service_settings, infra, mongo_client, namespace
):
    settings = service_settings(QcSettings)
    tenant, topics = f"{namespace}-fu", settings.topics
    reg, closed = complaint("c-2", tenant)
    async with (
        running(create_app(settings)) as qc,
        TopicRecorder(infra.kafka_bootstrap, topics.upstream_submissions) as submissions,
    ):
        await publish_in_order(infra.kafka_bootstrap, topics.intake_events, reg)
        await publish_in_order(infra.kafka_bootstrap, topics.dispatch_events, closed)
        await eventually(lambda: qc.get(f"/tenants/{tenant}/return-visits"), lambda r: r.json())
        too_early = await qc.post("/return-visits/c-2/follow-up", json={"description": "x"},
                                  headers=LI)  # fmt: skip
        await qc.post("/return-visits/c-2/calls", json={"outcome": "reached", "satisfaction": 1},
                      headers=LI)  # fmt: skip
        followed = await qc.post("/return-visits/c-2/follow-up", headers=LI,
                                 json={"description": "快递仍未送到,客户要求再次处理"})  # fmt: skip
        twice = await qc.post("/return-visits/c-2/follow-up", json={"description": "x"},
                              headers=LI)  # fmt: skip
        sent = await eventually(
            lambda: _submissions(submissions, tenant), lambda found: len(found) >= 1
        )
    await mongo_client.drop_database(settings.mongo_db)

    assert too_early.status_code == 409
    assert followed.status_code == 200, followed.text
    assert followed.json()["followed_up_by"] == "li"
    assert twice.status_code == 409
    [submission] = sent
    assert submission.related_to == "c-2"
    assert submission.type is TicketType.COMPLAINT
    assert submission.external_ref == "c-2:follow-up"
    assert submission.contact is not None
    assert submission.contact.phone == "+8613900000000"
    assert submission.description == "快递仍未送到,客户要求再次处理"


async def _submissions(recorder: TopicRecorder, tenant: str) -> list[Submission]:
    found = [Submission.model_validate(json.loads(r.value or b"")) for r in recorder.records]
    return [s for s in found if s.tenant_id == tenant]
