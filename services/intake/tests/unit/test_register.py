from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from services.intake.app import handlers
from services.intake.app.handlers import Numbering, RegisterTicket
from services.intake.tests.unit.fakes import FakeUnitOfWork
from shared.errors import InvalidFields
from shared.events import SYSTEM_ACTOR, SubmissionRejected, TicketRegistered
from shared.events.submissions import Submission
from shared.testing.builders import submission

NUMBERING = Numbering(ZoneInfo("Asia/Shanghai"))


async def register(uow, **overrides):
    cmd = RegisterTicket(submission(**overrides), SYSTEM_ACTOR)
    return await handlers.register_ticket(cmd, uow, NUMBERING)


async def test_a_submission_is_registered_numbered_prioritised_and_announced():
    uow = FakeUnitOfWork()
    result = await register(uow)
    assert result.created
    # 16:30 UTC is already the next day in Shanghai, whose date the number carries.
    assert result.ticket.number == "acme-20260308-000001"
    assert result.ticket.priority.value == "P2"
    [event] = uow.published
    assert isinstance(event, TicketRegistered)
    assert event.ticket_id == result.ticket.ticket_id
    assert event.payload.number == result.ticket.number
    assert event.payload.contact is not None
    assert event.payload.contact.phone == "+8613800000000"


async def test_a_resubmission_returns_the_original_and_changes_nothing():
    uow = FakeUnitOfWork()
    first = await register(uow)
    again = await register(uow, subject="edited by upstream")
    assert not again.created
    assert again.ticket.ticket_id == first.ticket.ticket_id
    assert again.ticket.submission.subject == "Parcel lost"
    assert len(uow.published) == 1
    assert list(uow.counters.values.values()) == [1]


async def test_numbers_count_up_per_tenant():
    uow = FakeUnitOfWork()
    uow.tenants.provision("beta")
    numbers = [(await register(uow, external_ref=f"r{i}")).ticket.number for i in range(3)]
    other = (await register(uow, tenant_id="beta", external_ref="r0")).ticket.number
    assert [n[-6:] for n in numbers] == ["000001", "000002", "000003"]
    assert other == "beta-20260308-000001"


async def test_a_rejection_is_announced_with_its_field_errors():
    uow = FakeUnitOfWork()
    cmd = handlers.RejectSubmission("acme", "web", "r9", errors=[])
    await handlers.reject_submission(cmd, uow)
    [event] = uow.published
    assert isinstance(event, SubmissionRejected)
    assert event.payload.external_ref == "r9"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"contact": None}, "contact or account_id is required"),
        ({"urgency": 4}, "urgency"),
        ({"impact": 0}, "impact"),
        ({"type": "praise"}, "type"),
        ({"source": "fax"}, "source"),
        ({"subject": ""}, "subject"),
        ({"tenant_id": "a b"}, "tenant_id"),
        ({"contact": {"name": "anonymous"}}, "contact"),
        ({"contact": {"phone": "call me"}}, "contact.phone"),
        ({"contact": {"phone": "0000"}}, "contact.phone"),
        ({"contact": {"phone": "+0000"}}, "contact.phone"),
        ({"contact": {"phone": "+8610000"}}, "contact.phone"),
        ({"contact": {"phone": "13900000000"}}, "contact.phone"),
        ({"contact": {"email": "a@b"}}, "contact.email"),
        ({"contact": {"email": "a@@b.cn"}}, "contact.email"),
        ({"contact": {"email": "x@localhost"}}, "contact.email"),
        ({"location": {"lon": 116.4}}, "lon and lat go together"),
        ({"severity": "catastrophic"}, "severity"),
        ({"tags": ["x"] * 21}, "tags"),
    ],
)
def test_each_validation_error_names_its_field(overrides, field):
    with pytest.raises(ValidationError) as info:
        submission(**overrides)
    text = str(info.value)
    assert field.split(".")[0] in text


@pytest.mark.parametrize(
    "written", ["+8613900000000", "+86 139-0000-0000", "+86 (139) 0000 0000", " +86 13900000000 "]
)
def test_a_phone_is_stored_in_e164_however_it_is_written(written):
    assert phone_of(submission(contact={"phone": written})) == "+8613900000000"


def test_phones_of_other_countries_are_normalised_too():
    assert phone_of(submission(contact={"phone": "+7 (916) 123-45-67"})) == "+79161234567"
    assert phone_of(submission(contact={"phone": "+49 30 123456"})) == "+4930123456"


def phone_of(s: Submission) -> str | None:
    return s.contact.phone if s.contact else None


def test_a_contact_or_an_account_is_enough():
    assert submission(contact=None, account_id="acct-1").account_id == "acct-1"


async def test_a_submission_of_a_tenant_nobody_provisioned_is_refused_and_stores_nothing():
    uow = FakeUnitOfWork()
    with pytest.raises(InvalidFields) as refused:
        await register(uow, tenant_id="ghost")
    assert list(refused.value.errors) == ["tenant_id"]
    assert (uow.tickets.rows, uow.counters.values, uow.published) == ({}, {}, [])


async def test_a_follow_up_must_relate_to_an_existing_ticket_of_its_own_tenant():
    uow = FakeUnitOfWork()
    uow.tenants.provision("beta")
    original = (await register(uow, external_ref="r1")).ticket
    follow_up = await register(uow, external_ref="r2", related_to=original.ticket_id)
    assert follow_up.ticket.submission.related_to == original.ticket_id
    for tenant, related in (("acme", "no-such-ticket"), ("beta", original.ticket_id)):
        with pytest.raises(InvalidFields) as refused:
            await register(uow, tenant_id=tenant, external_ref="r3", related_to=related)
        assert list(refused.value.errors) == ["related_to"]
    assert len(uow.tickets.rows) == 2


async def test_a_resubmission_of_a_registered_ticket_is_answered_even_if_its_tenant_went():
    uow = FakeUnitOfWork()
    first = await register(uow)
    uow.tenants.rows.clear()
    assert (await register(uow)).ticket.ticket_id == first.ticket.ticket_id
