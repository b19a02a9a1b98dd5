from datetime import timedelta
from zoneinfo import ZoneInfo

from services.intake.app import customers, handlers
from services.intake.app.handlers import Numbering, RegisterTicket
from services.intake.domain.config import TenantConfig
from services.intake.domain.contacts import Customer
from services.intake.tests.unit.fakes import FakeUnitOfWork
from shared.events import SYSTEM_ACTOR, TicketRegistered
from shared.events.intake import TicketLinkedAsRepeat, TicketQuarantined, TicketReleased
from shared.events.submissions import Submission
from shared.testing import builders

NUMBERING = Numbering(ZoneInfo("Asia/Shanghai"))
PHONE = "+8613800000000"


def submission(**overrides) -> Submission:
    return builders.submission(**{"service": "parcel", "impact": 2} | overrides)


async def register(uow, **overrides):
    cmd = RegisterTicket(submission(**overrides), SYSTEM_ACTOR)
    return (await handlers.register_ticket(cmd, uow, NUMBERING)).ticket


def quarantining(uow):
    uow.tenants.provision("acme", TenantConfig(quarantine_unknown_contacts=True))
    return uow


async def test_quarantine_is_off_by_default():
    ticket = await register(FakeUnitOfWork())
    assert ticket.status == "new"


async def test_an_unknown_contact_is_quarantined_where_the_tenant_enables_it():
    uow = quarantining(FakeUnitOfWork())
    ticket = await register(uow)
    assert ticket.status == "quarantined"
    registered, quarantined = uow.published
    assert isinstance(registered, TicketRegistered)
    assert registered.payload.status == "quarantined"
    assert isinstance(quarantined, TicketQuarantined)
    assert quarantined.payload.reason == "unknown contact"


async def test_a_verified_contact_passes_and_brings_its_account():
    uow = quarantining(FakeUnitOfWork())
    uow.customers.rows["cu-1"] = Customer(
        customer_id="cu-1", tenant_id="acme", phone=PHONE, account_id="acct-3", verified=True
    )
    ticket = await register(uow)
    assert ticket.status == "new"
    assert ticket.submission.account_id == "acct-3"
    assert uow.published[0].payload.account_id == "acct-3"


async def test_verifying_releases_every_quarantined_ticket_of_the_customer():
    uow = quarantining(FakeUnitOfWork())
    held = [await register(uow, external_ref=f"call-{i}", type="repair") for i in range(2)]
    other = await register(uow, external_ref="call-x", contact={"phone": "+8613911111111"})
    customer = await customers.create_customer(customers.ContactData("acme", phone=PHONE), uow)
    released = await customers.verify_customer(customer.customer_id, SYSTEM_ACTOR, uow)
    assert sorted(released) == sorted(t.ticket_id for t in held)
    assert {uow.tickets.rows[t.ticket_id].status for t in held} == {"new"}
    assert uow.tickets.rows[other.ticket_id].status == "quarantined"
    events = [e for e in uow.published if isinstance(e, TicketReleased)]
    assert {e.ticket_id for e in events} == set(released)
    assert {e.payload.customer_id for e in events} == {customer.customer_id}
    assert (await customers.verify_customer(customer.customer_id, SYSTEM_ACTOR, uow)) == []


async def test_an_upstream_verification_matches_the_contact_by_any_identity():
    uow = quarantining(FakeUnitOfWork())
    held = await register(uow, contact={"phone": "+86 138 0000 0000", "contact_id": "crm-7"})
    data = customers.ContactData("acme", contact_id="crm-7", account_id="acct-1", verified=True)
    released = await customers.customer_verified_upstream(data, SYSTEM_ACTOR, uow)
    assert released == [held.ticket_id]
    [stored] = uow.customers.rows.values()
    assert stored.verified
    assert stored.account_id == "acct-1"


async def test_a_repeat_complaint_is_linked_flagged_and_raised_one_step():
    uow = FakeUnitOfWork()
    first = await register(uow)
    uow.advance(timedelta(hours=2))
    repeat = await register(uow, external_ref="call-2")
    assert repeat.repeat_of == first.ticket_id
    assert (first.priority, repeat.priority) == ("P3", "P2")
    assert repeat.basis.raised_as_repeat
    assert repeat.basis.from_matrix == "P3"
    registered, linked = uow.published[1:]
    assert registered.payload.repeat_of == first.ticket_id
    assert isinstance(linked, TicketLinkedAsRepeat)
    assert (linked.payload.priority_before, linked.payload.priority_after) == ("P3", "P2")
    assert linked.payload.original_number == first.number


async def test_a_closed_original_or_a_late_complaint_is_not_a_repeat():
    uow = FakeUnitOfWork()
    first = await register(uow)
    await handlers.mark_closed(first.ticket_id, uow)
    assert (await register(uow, external_ref="call-2")).repeat_of is None
    uow.advance(timedelta(hours=5))
    assert (await register(uow, external_ref="call-3")).repeat_of is None


async def test_the_window_is_per_tenant():
    uow = FakeUnitOfWork()
    uow.tenants.provision("acme", TenantConfig(repeat_window_minutes=30))
    await register(uow)
    uow.advance(timedelta(minutes=31))
    assert (await register(uow, external_ref="call-2")).repeat_of is None


async def test_the_tenant_mask_and_matrix_number_and_prioritise():
    uow = FakeUnitOfWork()
    rows = [["P1", "P1", "P1"], ["P1", "P1", "P1"], ["P1", "P1", "P1"]]
    uow.tenants.provision(
        "acme",
        TenantConfig.model_validate({"number_mask": "{type}{yy}{seq:8}", "priority_matrix": rows}),
    )
    ticket = await register(uow, type="repair")
    assert ticket.number == "repair2600000001"
    assert ticket.priority == "P1"


async def test_importing_a_verified_contact_releases_its_tickets():
    uow = quarantining(FakeUnitOfWork())
    held = await register(uow)
    data = customers.ContactData("acme", phone=PHONE, verified=True)
    await customers.import_directory(customers.ImportDirectory("acme", [], [data]), uow)
    assert uow.tickets.rows[held.ticket_id].status == "new"
    assert isinstance(uow.published[-1], TicketReleased)


async def test_saving_an_unverified_contact_releases_nothing():
    uow = quarantining(FakeUnitOfWork())
    held = await register(uow)
    await customers.create_customer(customers.ContactData("acme", phone=PHONE), uow)
    assert uow.tickets.rows[held.ticket_id].status == "quarantined"


async def test_the_date_in_the_number_follows_the_tenant_time_zone():
    uow = FakeUnitOfWork()  # 2026-03-07 16:30 UTC: already the 8th in Shanghai
    uow.tenants.provision("acme", TenantConfig(time_zone="Europe/Moscow"))
    assert (await register(uow)).number == "acme-20260307-000001"
