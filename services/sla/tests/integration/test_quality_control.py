"""Quality control's deadlines on real Kafka and MongoDB: a closed ticket's inspection and
appeal windows run on the tenant's calendar and breach like any other metric."""

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from services.sla.tests.integration.helpers import ALWAYS, TENANT, emergency, serving
from shared.clock import FakeClock
from shared.events import EventEnvelope
from shared.events.dispatch import ClosureReason, TicketClosed, TicketClosedPayload
from shared.events.qc import (
    AppealFiled,
    AppealFiledPayload,
    InspectionCreated,
    InspectionCreatedPayload,
    InspectionReason,
    InspectionSubmitted,
    InspectionSubmittedPayload,
    ResponsibilityJudged,
    ResponsibilityJudgedPayload,
)
from shared.events.sla import SlaBreached, SlaMetric
from shared.events.vocabulary import TicketStatus
from shared.testing.builders import ticket_registered
from shared.testing.kafka import publish_in_order
from shared.testing.recorder import TopicRecorder
from shared.testing.waiting import eventually

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("dropped_after")]

MONDAY = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai (the default calendar)


async def configure_qc_targets(sla: httpx.AsyncClient, inspection_s: int, appeal_s: int) -> None:
    calendar = await sla.put(f"/tenants/{TENANT}/calendar", json={"zone": "UTC", "weekly": ALWAYS})
    assert calendar.status_code == 200, calendar.text
    policy = {
        "policy_id": "emergency",
        "priorities": ["P1"],
        "targets": [
            {"metric": "response", "business_hours": 1},
            {"metric": "inspection", "business_seconds": inspection_s},
            {"metric": "appeal", "business_seconds": appeal_s},
        ],
        "thresholds": [50],
    }
    policies = await sla.put(f"/tenants/{TENANT}/policies", json={"policies": [policy]})
    assert policies.status_code == 200, policies.text


def qc(cls, payload, ticket_id: str, at: datetime) -> EventEnvelope:
    return cls(occurred_at=at, producer="qc", tenant_id=TENANT, ticket_id=ticket_id,
               payload=payload)  # fmt: skip


def closed(ticket_id: str, at: datetime) -> TicketClosed:
    return TicketClosed(
        occurred_at=at, producer="dispatch", tenant_id=TENANT, ticket_id=ticket_id,
        payload=TicketClosedPayload(reason=ClosureReason.CONFIRMED),
    )  # fmt: skip


def created(ticket_id: str, at: datetime) -> EventEnvelope:
    payload = InspectionCreatedPayload(reason=InspectionReason.SAMPLE, overdue=False)
    return qc(InspectionCreated, payload, ticket_id, at)


def submitted(ticket_id: str, at: datetime) -> EventEnvelope:
    payload = InspectionSubmittedPayload(inspector="qa", score=95, passed=True, failed_items=[],
                                         defects=[])  # fmt: skip
    return qc(InspectionSubmitted, payload, ticket_id, at)


def judged(ticket_id: str, judgement_id: str, at: datetime) -> EventEnvelope:
    payload = ResponsibilityJudgedPayload(
        judgement_id=judgement_id, judge="qa", unit="north", category="attitude", text="rude",
    )  # fmt: skip
    return qc(ResponsibilityJudged, payload, ticket_id, at)


def appealed(ticket_id: str, judgement_id: str, at: datetime) -> EventEnvelope:
    payload = AppealFiledPayload(
        judgement_id=judgement_id,
        appellant="zhang",
        unit="north",
        reason_category="evidence",
        text="see the call log",
    )
    return qc(AppealFiled, payload, ticket_id, at)


def breached(events: list[EventEnvelope]) -> set[tuple[str, SlaMetric]]:
    return {(e.ticket_id, e.payload.metric) for e in events if isinstance(e, SlaBreached)}


async def test_a_closed_tickets_inspection_and_appeal_windows_breach_unless_met(settings, infra):
    """The default policies on the default calendar (Mon–Fri 09:00–18:00 Shanghai), on a
    clock the test moves: inspection 2 and appeal 3 working days."""
    clock = FakeClock(MONDAY + timedelta(hours=2))
    minutes = [MONDAY + timedelta(minutes=n) for n in (30, 60, 70, 90, 100)]
    topics = settings.topics
    async with (
        serving(settings, clock=clock) as sla,
        TopicRecorder(infra.kafka_bootstrap, topics.sla_events) as out,
    ):
        await publish_in_order(
            infra.kafka_bootstrap, topics.intake_events,
            *(ticket_registered(t, status=TicketStatus.ASSIGNED, at=MONDAY)
              for t in ("qc-late", "qc-met")),
        )  # fmt: skip
        await publish_in_order(
            infra.kafka_bootstrap, topics.dispatch_events,
            closed("qc-late", minutes[0]), closed("qc-met", minutes[0]),
        )  # fmt: skip
        await publish_in_order(
            infra.kafka_bootstrap, topics.qc_events,
            created("qc-late", minutes[1]), created("qc-met", minutes[1]),
            submitted("qc-met", minutes[2]),
            judged("qc-late", "j-late", minutes[3]), judged("qc-met", "j-met", minutes[3]),
            appealed("qc-met", "j-met", minutes[4]),
        )  # fmt: skip
        met_view = await eventually(
            lambda: sla.get("/tickets/qc-met/sla"),
            lambda r: r.status_code == 200 and _stops(r.json()) == {
                "transfer": "closed", "resolution": "closed",
                "inspection": "inspection_submitted", "appeal": "appeal_filed",
            },
        )  # fmt: skip
        await eventually(
            lambda: sla.get("/tickets/qc-late/sla"),
            lambda r: r.status_code == 200 and _stops(r.json()).get("appeal", "") is None,
        )
        assert breached(out.events()) == set()
        clock.advance(timedelta(days=4))  # past Thursday 18:00 in Shanghai
        await out.wait_for(
            lambda _: breached(out.events()) >= {("qc-late", SlaMetric.INSPECTION),
                                                 ("qc-late", SlaMetric.APPEAL)}
        )  # fmt: skip
        late_view = (await sla.get("/tickets/qc-late/sla")).json()
    assert breached(out.events()) == {("qc-late", SlaMetric.INSPECTION),
                                      ("qc-late", SlaMetric.APPEAL)}  # fmt: skip
    due = {e.payload.metric: e.payload.due_at for e in out.events() if isinstance(e, SlaBreached)}
    # 2 and 3 working days after Monday: the close of Wednesday and of Thursday, 18:00 Shanghai
    assert due == {SlaMetric.INSPECTION: datetime(2026, 3, 4, 10, tzinfo=UTC),
                   SlaMetric.APPEAL: datetime(2026, 3, 5, 10, tzinfo=UTC)}  # fmt: skip
    clocks = {c["metric"]: c for c in late_view["clocks"]}
    assert clocks["inspection"]["state"] == "running"  # closed, yet neither paused nor stopped
    assert clocks["inspection"]["pauses"] == []
    assert clocks["inspection"]["breach"] is not None
    assert clocks["appeal"]["breach"] is not None
    assert clocks["resolution"]["breach"] is None
    assert late_view["judgement"]["judgement_id"] == "j-late"
    assert late_view["status"] == "closed"
    assert met_view.json()["next_due_at"] is None


def _stops(view: dict[str, Any]) -> dict[str, str | None]:
    return {c["metric"]: c["stop_reason"] for c in view["clocks"]}


async def test_a_qc_event_before_the_registration_is_parked_then_applied(
    settings, infra, mongo_client
):
    now = datetime.now(UTC)
    ticket = emergency("qc-early", now)
    pending = mongo_client[settings.mongo_db].pending_events
    topics = settings.topics
    async with serving(settings) as sla:
        await configure_qc_targets(sla, inspection_s=600, appeal_s=600)
        await publish_in_order(
            infra.kafka_bootstrap, topics.qc_events,
            submitted("qc-early", now + timedelta(seconds=2)),  # overtook its creation too
            created("qc-early", now + timedelta(seconds=1)),
        )  # fmt: skip
        await eventually(
            lambda: pending.count_documents({"ticket_id": "qc-early"}), lambda n: n == 2
        )
        await publish_in_order(infra.kafka_bootstrap, topics.intake_events, ticket)
        response = await eventually(
            lambda: sla.get("/tickets/qc-early/sla"), lambda r: r.status_code == 200
        )
    clocks = {c["metric"]: c for c in response.json()["clocks"]}
    assert clocks["inspection"]["state"] == "stopped"
    assert clocks["inspection"]["stop_reason"] == "inspection_submitted"
    assert clocks["inspection"]["elapsed_seconds"] == 1
    assert clocks["response"]["state"] == "running"
    assert await pending.count_documents({}) == 0
