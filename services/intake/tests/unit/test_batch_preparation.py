"""The pure parts of a batch's preparation: what it reads up front, what it reserves, and
how the reads answer later lookups exactly as the server would."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from services.intake.adapters.tickets import _of_contacts
from services.intake.app import batch, handlers
from services.intake.app.handlers import Numbering, RegisterTicket
from services.intake.domain.config import TenantConfig
from services.intake.domain.contacts import Customer, recognised
from services.intake.domain.numbering import Reservation
from services.intake.tests.unit.fakes import FakeCounters, FakeCustomers, FakeTickets
from services.intake.tests.unit.fakes import FakeUnitOfWork as BaseFakeUnitOfWork
from shared.events import SYSTEM_ACTOR
from shared.testing.builders import submission

NUMBERING = Numbering(ZoneInfo("Asia/Shanghai"))


def test_a_reservation_hands_out_its_values_in_order_then_none():
    reserved = Reservation.after_increment(value=7, count=3)
    assert (reserved.first, reserved.last) == (5, 7)
    assert [reserved.take(), reserved.unused] == [5, 2]
    assert [reserved.take(), reserved.take(), reserved.take()] == [6, 7, None]
    assert reserved.unused == 0


def test_an_unused_reservation_gives_back_all_it_took():
    assert Reservation.after_increment(value=3, count=3).unused == 3


def customer(cid, verified=False, **contact):
    return Customer(customer_id=cid, tenant_id="acme", verified=verified, **contact)


def entries(*customers):
    return [(c.keys, c) for c in customers]


def test_recognising_prefers_a_verified_entry_sharing_any_key():
    by_phone = customer("c1", phone="+8613800000000")
    by_mail = customer("c2", verified=True, email="a@example.com")
    known = entries(by_phone, by_mail)
    assert recognised(known, ["phone:+8613800000000"]) == (by_phone, True)
    assert recognised(known, ["phone:+8613800000000", "email:a@example.com"]) == (by_mail, True)
    assert recognised(known, ["email:other@example.com"]) == (None, True)


def test_two_equally_verified_entries_are_left_to_the_directory():
    one, two = customer("c1", phone="+8613800000000"), customer("c2", email="a@example.com")
    _, certain = recognised(entries(one, two), ["phone:+8613800000000", "email:a@example.com"])
    assert not certain


def test_recognising_matches_the_keys_an_entry_is_stored_under():
    stored = customer("c1", phone="+8613800000000")
    assert recognised([(["phone:old-form"], stored)], ["phone:old-form"]) == (stored, True)
    assert recognised([(["phone:old-form"], stored)], stored.keys) == (None, True)


T0 = datetime(2026, 3, 7, 12, 0, tzinfo=UTC)


def doc(i, keys, at, tenant="acme"):
    return {"_id": f"t{i}", "tenant_id": tenant, "contact_keys": keys, "registered_at": at}


def test_the_repeat_rules_lookup_is_answered_like_the_server_would():
    docs = [
        doc(1, ["phone:1"], T0 + timedelta(minutes=5)),
        doc(2, ["phone:1", "id:x"], T0),
        doc(3, ["phone:2"], T0),
        doc(4, ["phone:1"], T0 - timedelta(minutes=1)),
        doc(5, ["phone:1"], T0, tenant="beta"),
    ]
    found = _of_contacts(docs, "acme", ["phone:1", "id:y"], since=T0)
    assert [d["_id"] for d in found] == ["t2", "t1"]


class RecordingTickets(FakeTickets):
    def __init__(self, asked):
        super().__init__()
        self.asked = asked

    async def preload_contacts(self, tenant_id, contact_keys):
        self.asked.append(("FakeTickets", "preload_contacts", tenant_id, contact_keys))


class RecordingCounters(FakeCounters):
    def __init__(self, asked):
        super().__init__()
        self.asked = asked

    async def reserve(self, key, count):
        self.asked.append(("FakeCounters", "reserve", key, count))


class RecordingCustomers(FakeCustomers):
    def __init__(self, asked):
        super().__init__()
        self.asked = asked

    async def preload(self, tenant_id, contact_keys):
        self.asked.append(("FakeCustomers", "preload", tenant_id, contact_keys))


class RecordingUnitOfWork(BaseFakeUnitOfWork):
    """What the preparation asked the repositories to read or reserve."""

    def __init__(self):
        super().__init__()
        self.asked: list[tuple] = []
        self.tickets = RecordingTickets(self.asked)
        self.counters = RecordingCounters(self.asked)
        self.customers = RecordingCustomers(self.asked)


def _asked(uow, what):
    return [a[2:] for a in uow.asked if a[:2] == what]


async def test_the_preparation_reserves_one_number_per_ticket_the_batch_will_register():
    uow = RecordingUnitOfWork()
    uow.tenants.provision("beta", TenantConfig(number_mask="{type}-{seq:4}"))
    existing = await handlers.register_ticket(
        RegisterTicket(submission(external_ref="old"), SYSTEM_ACTOR), uow, NUMBERING
    )
    assert existing.created
    uow.asked.clear()
    batch_of = [
        submission(external_ref="old"),  # registered before: no number
        submission(external_ref="a"),
        submission(external_ref="a"),  # twice in the batch: one number
        submission(external_ref="b", source="web"),
        submission(external_ref="c", tenant_id="nobody"),  # refused: no number
        submission(external_ref="d", tenant_id="beta", type="repair"),
        submission(external_ref="e", tenant_id="beta", type="incident"),
        submission(external_ref="f", tenant_id="beta", type="incident"),
    ]
    await batch.prepare_registrations(batch_of, uow, NUMBERING)
    assert _asked(uow, ("FakeCounters", "reserve")) == [
        ("acme|20260308||{tenant}-{yyyyMMdd}-{seq:6}", 2),
        ("beta||incident|{type}-{seq:4}", 2),
        ("beta||repair|{type}-{seq:4}", 1),
    ]


async def test_the_preparation_reads_contacts_once_per_tenant_and_recent_tickets_for_the_rule():
    uow = RecordingUnitOfWork()
    uow.tenants.provision("beta")
    await batch.prepare_registrations(
        [
            submission(external_ref="a", contact={"phone": "+8613800000001"}),
            submission(external_ref="b", contact={"email": "x@example.com"}, type="repair"),
            submission(external_ref="c", tenant_id="beta", contact=None, account_id="acct"),
        ],
        uow,
        NUMBERING,
    )
    assert _asked(uow, ("FakeCustomers", "preload")) == [
        ("acme", {"phone:+8613800000001", "email:x@example.com"})
    ]
    # Only complaints are subject to the default repeat rule.
    assert _asked(uow, ("FakeTickets", "preload_contacts")) == [("acme", {"phone:+8613800000001"})]


@pytest.mark.parametrize("minutes", [0, 240])
async def test_a_tenant_without_a_repeat_window_needs_no_recent_tickets(minutes):
    uow = RecordingUnitOfWork()
    uow.tenants.provision("acme", TenantConfig(repeat_window_minutes=minutes))
    await batch.prepare_registrations([submission()], uow, NUMBERING)
    assert bool(_asked(uow, ("FakeTickets", "preload_contacts"))) == bool(minutes)
