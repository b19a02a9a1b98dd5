"""Auto-close against real Kafka and MongoDB, with a clock the test moves."""

from datetime import UTC, datetime, timedelta

import pytest

from services.sla.bootstrap import create_app
from shared.clock import FakeClock
from shared.events.dispatch import (
    CommentVisibility,
    CustomerReplied,
    CustomerRepliedPayload,
    TicketCommented,
    TicketCommentedPayload,
    TicketResolved,
    TicketResolvedPayload,
)
from shared.events.sla import AutoCloseBecameDue
from shared.events.vocabulary import TicketStatus
from shared.testing.apps import running
from shared.testing.builders import ticket_registered
from shared.testing.kafka import publish_in_order
from shared.testing.recorder import TopicRecorder
from shared.testing.waiting import eventually

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("dropped_after")]

MONDAY = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai (the default calendar)


def dispatched(cls, ticket_id, payload, minutes):
    return cls(occurred_at=MONDAY + timedelta(minutes=minutes), producer="dispatch",
               tenant_id="acme", ticket_id=ticket_id, payload=payload)  # fmt: skip


def resolved(ticket_id: str):
    payload = TicketResolvedPayload(cause="fibre cut", solution="spliced", closure_code="fixed")
    return dispatched(TicketResolved, ticket_id, payload, 60)


async def test_auto_close_is_reset_by_a_customer_reply_not_by_an_internal_comment(settings, infra):
    clock = FakeClock(MONDAY + timedelta(minutes=1))
    comment = TicketCommentedPayload(comment_id="n1", body="called, no answer",
                                     visibility=CommentVisibility.INTERNAL,
                                     status=TicketStatus.RESOLVED)  # fmt: skip
    reply = CustomerRepliedPayload(message="still down", status=TicketStatus.IN_PROGRESS)
    topics = settings.topics
    async with (
        running(create_app(settings, clock=clock)) as sla,
        TopicRecorder(infra.kafka_bootstrap, topics.sla_events) as out,
    ):
        await publish_in_order(
            infra.kafka_bootstrap, topics.intake_events,
            *(ticket_registered(t, at=MONDAY) for t in ("quiet", "noted", "replied")),
        )  # fmt: skip
        await publish_in_order(
            infra.kafka_bootstrap, topics.dispatch_events,
            resolved("quiet"), resolved("noted"), resolved("replied"),
            dispatched(TicketCommented, "noted", comment, 90),
            dispatched(CustomerReplied, "replied", reply, 120),
        )  # fmt: skip
        await eventually(
            lambda: sla.get("/tickets/replied/sla"),
            lambda r: (
                r.status_code == 200 and (r.json()["autoclose"] or {}).get("state") == "canceled"
            ),
        )
        noted = (await sla.get("/tickets/noted/sla")).json()
        assert noted["autoclose"]["state"] == "pending"
        # 3 business days after Monday: the close of Thursday, 18:00 Shanghai
        assert noted["autoclose"]["due_at"] == "2026-03-05T10:00:00Z"
        clock.advance(timedelta(days=4))
        await out.wait_for(
            lambda _: (
                {e.ticket_id for e in out.events() if isinstance(e, AutoCloseBecameDue)}
                >= {"quiet", "noted"}
            )
        )
    closing = [e for e in out.events() if isinstance(e, AutoCloseBecameDue)]
    assert sorted(e.ticket_id for e in closing) == ["noted", "quiet"]
    assert all(e.payload.due_at == datetime(2026, 3, 5, 10, tzinfo=UTC) for e in closing)
