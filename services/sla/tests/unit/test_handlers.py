"""The SLA use cases driven with in-memory ports: idempotency and firing once."""

from datetime import UTC, datetime, timedelta

import pytest

from services.sla.app import handlers
from services.sla.domain.calendar import always_open
from services.sla.domain.policy import Policy, Target
from services.sla.tests.fakes import FakeUnitOfWork, due_ids
from shared.clock import FakeClock
from shared.events.dispatch import TicketAccepted, TicketAcceptedPayload
from shared.events.sla import SlaBreached, SlaMetric, SlaWarningIssued
from shared.testing.builders import ticket_registered

T0 = datetime(2026, 3, 2, 8, tzinfo=UTC)


@pytest.fixture
def world():
    clock = FakeClock(T0)
    uow = FakeUnitOfWork(clock)
    uow.calendars.items["acme"] = always_open()
    uow.policies.items["acme"] = (Policy("p", (Target(SlaMetric.RESPONSE, 600),)),)
    return uow, clock, uow


def accepted(minutes: int) -> TicketAccepted:
    return TicketAccepted(occurred_at=T0 + timedelta(minutes=minutes), producer="dispatch",
                          tenant_id="acme", ticket_id="t-1",
                          payload=TicketAcceptedPayload(assignee="li"))  # fmt: skip


async def test_a_redelivered_registration_registers_once(world):
    uow, _, new_uow = world
    event = ticket_registered("t-1", at=T0)
    await handlers.on_ticket_registered(event, new_uow, 3)
    await handlers.on_ticket_registered(event, new_uow, 3)
    await handlers.on_ticket_registered(ticket_registered("t-1", at=T0), new_uow, 3)  # new id
    assert list(uow.tickets.items) == ["t-1"]
    assert uow.tickets.items["t-1"][1] == T0 + timedelta(minutes=5)  # the 50 % warning


async def test_a_dispatch_event_before_its_registration_is_applied_on_registration(world):
    uow, _, new_uow = world
    await handlers.on_dispatch_event(accepted(1), new_uow, 3)
    assert uow.tickets.items == {}
    await handlers.on_ticket_registered(ticket_registered("t-1", at=T0), new_uow, 3)
    timeline = await handlers.get_timeline("t-1", new_uow)
    assert timeline.status == "accepted"
    assert timeline.clocks[0].stop_reason == "accepted"
    assert timeline.clocks[0].elapsed_seconds == 60
    assert uow.pending.items == []


async def test_firing_twice_publishes_once(world):
    uow, clock, new_uow = world
    await handlers.on_ticket_registered(ticket_registered("t-1", at=T0), new_uow, 3)
    clock.advance(timedelta(minutes=11))
    assert due_ids(uow, clock.now()) == ["t-1"]
    assert await handlers.fire_due("t-1", new_uow) == 4  # 50/75/90 % and the breach
    assert await handlers.fire_due("t-1", new_uow) == 0
    assert due_ids(uow, clock.now()) == []
    kinds = [type(e) for e in uow.published]
    assert kinds.count(SlaWarningIssued) == 3
    assert kinds.count(SlaBreached) == 1


async def test_an_accept_in_time_clears_the_timer(world):
    uow, clock, new_uow = world
    await handlers.on_ticket_registered(ticket_registered("t-1", at=T0), new_uow, 3)
    event = accepted(3)
    await handlers.on_dispatch_event(event, new_uow, 3)
    await handlers.on_dispatch_event(event, new_uow, 3)
    clock.advance(timedelta(days=1))
    assert uow.tickets.items["t-1"][1] is None
    assert await handlers.fire_due("t-1", new_uow) == 0
    timeline = await handlers.get_timeline("t-1", new_uow)
    assert timeline.clocks[0].stop_reason == "accepted"
    assert timeline.clocks[0].elapsed_seconds == 180
