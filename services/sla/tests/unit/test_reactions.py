"""Which upstream events move which SLA facts (pure mapping, no servers)."""

from datetime import UTC, datetime, timedelta

from services.sla.domain.calendar import always_open
from services.sla.domain.policy import Policy, Target, TicketFacts
from services.sla.domain.reactions import Rules, react
from services.sla.domain.ticket_sla import AutoCloseState, TicketSla
from shared.events.dispatch import (
    CommentVisibility,
    CustomerReplied,
    CustomerRepliedPayload,
    TicketAccepted,
    TicketAcceptedPayload,
    TicketCommented,
    TicketCommentedPayload,
    TicketPriorityChanged,
    TicketPriorityChangedPayload,
    TicketResolved,
    TicketResolvedPayload,
    TicketStatusChanged,
    TicketStatusChangedPayload,
)
from shared.events.sla import SlaMetric
from shared.events.vocabulary import Priority, Severity, TicketStatus, TicketType

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
CAL = always_open()
POLICIES = (
    Policy("fast", (Target(SlaMetric.RESPONSE, 600),), priorities=frozenset({Priority.P1})),
    Policy("slow", (Target(SlaMetric.RESPONSE, 3600), Target(SlaMetric.RESOLUTION, 36_000))),
)
RULES = Rules(CAL, POLICIES, autoclose_days=3)


def envelope(cls, payload, minutes):
    return cls(occurred_at=T0 + timedelta(minutes=minutes), producer="dispatch",
               tenant_id="acme", ticket_id="t-1", payload=payload)  # fmt: skip


def new_ticket() -> TicketSla:
    facts = TicketFacts(TicketType.INCIDENT, Severity.NORMAL, Priority.P3)
    sla = TicketSla.register("t-1", "acme", facts, T0, TicketStatus.ASSIGNED)
    sla.apply_policy(POLICIES[1], CAL)
    return sla


def resolved_ticket() -> TicketSla:
    sla = new_ticket()
    payload = TicketResolvedPayload(cause="c", solution="s", closure_code="fixed")
    react(sla, envelope(TicketResolved, payload, 30), RULES)
    return sla


def test_accept_stops_the_response_clock():
    sla = new_ticket()
    react(sla, envelope(TicketAccepted, TicketAcceptedPayload(assignee="li"), 5), RULES)
    assert sla.clocks[SlaMetric.RESPONSE].stopped_at == T0 + timedelta(minutes=5)
    assert sla.status is TicketStatus.ACCEPTED


def test_a_status_change_to_waiting_customer_pauses():
    sla = new_ticket()
    payload = TicketStatusChangedPayload(
        from_status=TicketStatus.IN_PROGRESS, to_status=TicketStatus.WAITING_CUSTOMER,
        command="wait",
    )  # fmt: skip
    react(sla, envelope(TicketStatusChanged, payload, 10), RULES)
    assert sla.clocks[SlaMetric.RESPONSE].paused_now(sla.status_log)


def test_resolving_starts_auto_close():
    sla = resolved_ticket()
    assert sla.autoclose is not None
    assert sla.autoclose.state is AutoCloseState.PENDING
    assert not sla.clocks[SlaMetric.RESOLUTION].running


def test_an_internal_comment_does_not_reset_auto_close():
    sla = resolved_ticket()
    payload = TicketCommentedPayload(comment_id="c1", body="note", status=TicketStatus.RESOLVED,
                                     visibility=CommentVisibility.INTERNAL)  # fmt: skip
    react(sla, envelope(TicketCommented, payload, 40), RULES)
    assert sla.autoclose is not None
    assert sla.autoclose.state is AutoCloseState.PENDING


def test_a_customer_reply_resets_auto_close():
    sla = resolved_ticket()
    payload = CustomerRepliedPayload(message="still broken", status=TicketStatus.IN_PROGRESS)
    react(sla, envelope(CustomerReplied, payload, 40), RULES)
    assert sla.autoclose is not None
    assert sla.autoclose.state is AutoCloseState.CANCELED
    assert sla.autoclose.ended_by == "customer_replied"
    assert sla.clocks[SlaMetric.RESOLUTION].running


def test_a_priority_raise_reselects_the_policy():
    sla = new_ticket()
    payload = TicketPriorityChangedPayload(from_priority=Priority.P3, to_priority=Priority.P1,
                                           reason="VIP", status=TicketStatus.ASSIGNED)  # fmt: skip
    react(sla, envelope(TicketPriorityChanged, payload, 20), RULES)
    sla.evaluate(CAL, T0 + timedelta(minutes=20))
    assert sla.policy_id == "fast"
    assert sla.clocks[SlaMetric.RESPONSE].breach is not None
    assert not sla.clocks[SlaMetric.RESOLUTION].running  # the new policy has no such metric


def test_a_quarantined_ticket_starts_its_clocks_on_release():
    facts = TicketFacts(TicketType.INCIDENT, Severity.NORMAL, Priority.P3)
    sla = TicketSla.register("t-1", "acme", facts, T0, TicketStatus.QUARANTINED)
    released_at = T0 + timedelta(hours=2)
    sla.release(released_at, TicketStatus.NEW)
    sla.apply_policy(POLICIES[1], CAL)
    clock = sla.clocks[SlaMetric.RESPONSE]
    assert clock.started_at == released_at
    assert clock.elapsed(CAL, sla.status_log, released_at + timedelta(minutes=5)) == timedelta(
        minutes=5
    )


def test_a_release_of_a_ticket_never_quarantined_does_not_move_its_start():
    sla = new_ticket()
    sla.release(T0 + timedelta(hours=2), TicketStatus.NEW)
    assert sla.registered_at == T0
