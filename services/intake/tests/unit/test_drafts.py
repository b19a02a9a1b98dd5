"""存盘 and 直接答复 in intake: drafts are checked field by field, submitted once as a full
submission; a ticket resolved at first contact is registered by staff, never quarantined."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from services.intake.app import drafts, handlers
from services.intake.app.drafts import DraftRef
from services.intake.app.handlers import Numbering, RegisterTicket
from services.intake.domain.config import TenantConfig
from services.intake.domain.drafts import MAX_DRAFTS, DraftContent, new_draft
from services.intake.tests.unit.fakes import FakeUnitOfWork
from shared.errors import Conflict, Forbidden, InvalidFields, NotFound
from shared.events import Actor, TicketRegistered
from shared.testing.builders import submission, submission_fields
from shared.testing.fakes import DEFAULT_NOW

NUMBERING = Numbering(ZoneInfo("Asia/Shanghai"))
AGENT = Actor(id="agent.wang", role="agent")
OTHER = Actor(id="agent.li", role="agent")
ANSWER = {"cause": "forgot the password", "solution": "reset it on the call",
          "closure_code": "PWD"}  # fmt: skip


def content(**fields) -> DraftContent:
    return DraftContent.model_validate({"tenant_id": "acme"} | fields)


# --- the draft's own rules (pure) ---


def test_a_draft_may_be_partial_but_each_given_field_follows_the_submission_schema():
    assert content().subject is None
    assert content(contact={"name": "王先生"}).contact is not None  # no identity yet: fine
    for bad in (
        {"subject": "x" * 201},
        {"urgency": "2"},
        {"urgency": True},
        {"needs_onsite": "yes"},
        {"contact": {"phone": "139 0000 0000"}},
        {"subject": "two\nlines"},
        {"unknown": 1},
    ):
        with pytest.raises(ValidationError):
            content(**bad)
    with pytest.raises(ValidationError):
        DraftContent.model_validate({"subject": "no tenant"})


def test_submitting_a_draft_validates_it_as_a_full_submission_naming_the_fields():
    draft = new_draft("d1", AGENT.id, content(subject="Parcel lost"), DEFAULT_NOW)
    with pytest.raises(InvalidFields) as refused:
        draft.submission()
    assert set(refused.value.errors) == {"source", "type"}
    draft.content = content(subject="Parcel lost", source="phone", type="complaint")
    with pytest.raises(InvalidFields) as refused:
        draft.submission()
    assert set(refused.value.errors) == {"contact"}  # contact or account_id
    draft.content = content(**submission_fields(external_ref="call-9") | {"external_ref": None})
    full = draft.submission()
    assert full.external_ref == "draft-d1"  # an agent's draft needs no upstream reference
    assert (full.urgency, full.description) == (2, "")


def test_a_draft_cannot_move_to_another_tenant():
    draft = new_draft("d1", AGENT.id, content(), DEFAULT_NOW)
    with pytest.raises(InvalidFields) as refused:
        draft.replace(DraftContent(tenant_id="beta"), DEFAULT_NOW)
    assert set(refused.value.errors) == {"tenant_id"}


# --- the use cases, on fakes ---


async def test_save_list_submit_registers_once_and_the_draft_is_gone():
    uow = FakeUnitOfWork()
    saved = await drafts.save_draft(content(subject="Parcel lost"), AGENT, uow)
    assert [d.draft_id for d in await drafts.my_drafts("acme", AGENT, uow)] == [saved.draft_id]
    assert await drafts.my_drafts("acme", OTHER, uow) == []
    assert uow.published == []  # a draft is not a ticket
    ref = DraftRef(saved.draft_id, AGENT)
    with pytest.raises(InvalidFields):
        await drafts.submit_draft(ref, uow, NUMBERING)
    await drafts.update_draft(ref, DraftContent.model_validate(_full()), uow)
    first = await drafts.submit_draft(ref, uow, NUMBERING)
    again = await drafts.submit_draft(ref, uow, NUMBERING)
    assert (first.created, again.created) == (True, False)
    assert again.ticket.ticket_id == first.ticket.ticket_id
    assert first.ticket.number == "acme-20260308-000001"
    assert [type(e) for e in uow.published] == [TicketRegistered]
    assert uow.published[0].actor == AGENT
    assert await drafts.my_drafts("acme", AGENT, uow) == []
    with pytest.raises(NotFound):
        await drafts.get_draft(ref, uow)


async def test_someone_elses_draft_does_not_exist_for_you():
    uow = FakeUnitOfWork()
    saved = await drafts.save_draft(content(), AGENT, uow)
    theirs = DraftRef(saved.draft_id, OTHER)
    for attempt in (
        drafts.get_draft(theirs, uow),
        drafts.update_draft(theirs, content(subject="mine now"), uow),
        drafts.discard_draft(theirs, uow),
        drafts.submit_draft(theirs, uow, NUMBERING),
    ):
        with pytest.raises(NotFound):
            await attempt
    await drafts.discard_draft(DraftRef(saved.draft_id, AGENT), uow)
    assert await drafts.my_drafts("acme", AGENT, uow) == []


async def test_a_draft_needs_a_provisioned_tenant_and_the_number_of_drafts_is_bounded():
    uow = FakeUnitOfWork()
    with pytest.raises(InvalidFields) as refused:
        await drafts.save_draft(DraftContent(tenant_id="nobody"), AGENT, uow)
    assert set(refused.value.errors) == {"tenant_id"}
    for _ in range(MAX_DRAFTS):
        await drafts.save_draft(content(), AGENT, uow)
    with pytest.raises(Conflict):
        await drafts.save_draft(content(), AGENT, uow)
    await drafts.save_draft(content(), OTHER, uow)  # per person


async def test_a_draft_whose_reference_was_registered_already_becomes_that_ticket():
    uow = FakeUnitOfWork()
    posted = await handlers.register_ticket(RegisterTicket(submission(), AGENT), uow, NUMBERING)
    saved = await drafts.save_draft(DraftContent.model_validate(_full("call-1")), AGENT, uow)
    result = await drafts.submit_draft(DraftRef(saved.draft_id, AGENT), uow, NUMBERING)
    assert (result.created, result.ticket.ticket_id) == (False, posted.ticket.ticket_id)
    assert len(uow.published) == 1
    assert await drafts.my_drafts("acme", AGENT, uow) == []


# --- 直接答复 ---


async def test_a_ticket_resolved_at_first_contact_says_so_and_is_never_quarantined():
    uow = FakeUnitOfWork()
    uow.tenants.provision("acme", TenantConfig(quarantine_unknown_contacts=True))
    cmd = RegisterTicket(submission(first_contact_resolution=ANSWER), AGENT)
    ticket = (await handlers.register_ticket(cmd, uow, NUMBERING)).ticket
    [registered] = uow.published
    assert ticket.status == "new"
    assert isinstance(registered, TicketRegistered)
    assert registered.payload.resolved_at_first_contact
    assert registered.payload.first_contact_resolution is not None
    assert registered.payload.first_contact_resolution.closure_code == "PWD"
    assert registered.actor == AGENT


async def test_only_staff_and_upstream_systems_may_answer_directly():
    uow = FakeUnitOfWork()
    cmd = RegisterTicket(
        submission(first_contact_resolution=ANSWER), Actor(id="c", role="requester")
    )
    with pytest.raises(Forbidden):
        await handlers.register_ticket(cmd, uow, NUMBERING)
    assert uow.published == []
    assert uow.counters.values == {}
    upstream = Actor(id="upstream", role="system")
    cmd = RegisterTicket(submission(first_contact_resolution=ANSWER), upstream)
    assert (await handlers.register_ticket(cmd, uow, NUMBERING)).created


def test_a_first_contact_resolution_needs_all_three_fields_and_old_events_decode():
    for missing in ("cause", "solution", "closure_code"):
        with pytest.raises(ValidationError):
            submission(first_contact_resolution={k: v for k, v in ANSWER.items() if k != missing})
    with pytest.raises(ValidationError):
        submission(first_contact_resolution=ANSWER | {"cause": "   "})
    plain = submission()
    assert plain.first_contact_resolution is None
    old = TicketRegistered.model_validate_json(
        _old_registration().model_dump_json(exclude={"payload": {"first_contact_resolution"}})
    )
    assert not old.payload.resolved_at_first_contact


def _old_registration() -> TicketRegistered:
    from shared.testing.builders import ticket_registered

    return ticket_registered("t-old", at=DEFAULT_NOW - timedelta(days=1))


def _full(external_ref: str | None = None) -> dict[str, object]:
    fields = submission_fields()
    fields.pop("external_ref")
    return fields | ({"external_ref": external_ref} if external_ref else {})
