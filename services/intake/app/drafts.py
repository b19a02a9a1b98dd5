"""存盘: an agent's drafts of submissions — saved, listed, changed, discarded, submitted.

Drafts are private to whoever saved them (``X-Actor-Id``): someone else's draft is a 404
like one that does not exist. Submitting one registers it exactly like ``POST /tickets``
(numbering, dedup, events) and marks the draft submitted in the same transaction, so it
leaves "my drafts" with the registration or not at all; submitting it again answers the
ticket it became.
"""

from dataclasses import dataclass
from uuid import uuid4

from services.intake.app import handlers
from services.intake.app.handlers import Numbering, RegisterTicket, Registration
from services.intake.app.ports import IntakeUnitOfWork, NewUnitOfWork
from services.intake.app.tenants import require_tenant
from services.intake.domain.drafts import MAX_DRAFTS, Draft, DraftContent, new_draft
from services.intake.domain.ticket import Ticket
from shared.errors import Conflict, NotFound
from shared.events import Actor
from shared.retry import retry_transient


@dataclass(frozen=True)
class DraftRef:
    draft_id: str
    actor: Actor


class _SubmittedMeanwhile(Exception):
    """A concurrent submission of the same draft registered it first."""

    def __init__(self, ticket_id: str) -> None:
        super().__init__(ticket_id)
        self.ticket_id = ticket_id


async def save_draft(content: DraftContent, actor: Actor, new_uow: NewUnitOfWork) -> Draft:
    async def attempt() -> Draft:
        async with new_uow() as uow:
            await require_tenant(uow, content.tenant_id)
            if await uow.drafts.count_open(content.tenant_id, actor.id) >= MAX_DRAFTS:
                raise Conflict(f"at most {MAX_DRAFTS} drafts per person: submit or discard some")
            draft = new_draft(uuid4().hex, actor.id, content, uow.now())
            await uow.drafts.save(draft)
            await uow.commit()
        return draft

    return await retry_transient(attempt)


async def my_drafts(tenant_id: str, actor: Actor, new_uow: NewUnitOfWork) -> list[Draft]:
    async with new_uow() as uow:
        return await uow.drafts.open_of(tenant_id, actor.id, MAX_DRAFTS)


async def get_draft(ref: DraftRef, new_uow: NewUnitOfWork) -> Draft:
    async with new_uow() as uow:
        return await _open_draft(uow, ref)


async def update_draft(ref: DraftRef, content: DraftContent, new_uow: NewUnitOfWork) -> Draft:
    async def attempt() -> Draft:
        async with new_uow() as uow:
            draft = await _open_draft(uow, ref)
            await require_tenant(uow, content.tenant_id)
            draft.replace(content, uow.now())
            await uow.drafts.save(draft)
            await uow.commit()
        return draft

    return await retry_transient(attempt)


async def discard_draft(ref: DraftRef, new_uow: NewUnitOfWork) -> None:
    async def attempt() -> None:
        async with new_uow() as uow:
            draft = await _open_draft(uow, ref)
            await uow.drafts.delete(draft.draft_id)
            await uow.commit()

    await retry_transient(attempt)


async def submit_draft(ref: DraftRef, new_uow: NewUnitOfWork, numbering: Numbering) -> Registration:
    """Register the draft as a full submission (a 422 naming what is still missing or
    wrong); ``created`` is False when it was submitted before (or its external reference
    was registered already): the ticket it became, nothing registered twice."""
    async with new_uow() as uow:
        draft = await _own_draft(uow, ref)
    if draft.submitted_as is not None:
        return Registration(await handlers.get_ticket(draft.submitted_as, new_uow), False)
    cmd = RegisterTicket(draft.submission(), ref.actor)

    async def also(uow: IntakeUnitOfWork, ticket: Ticket) -> None:
        await _mark_submitted(uow, draft, ticket.ticket_id)

    try:
        result = await handlers.register_ticket(cmd, new_uow, numbering, also)
    except _SubmittedMeanwhile as first:
        return Registration(await handlers.get_ticket(first.ticket_id, new_uow), False)
    if not result.created:  # the submission was registered already: the draft is that ticket
        await retry_transient(lambda: _submitted_as_existing(new_uow, draft, result.ticket))
    return result


async def _submitted_as_existing(new_uow: NewUnitOfWork, draft: Draft, ticket: Ticket) -> None:
    async with new_uow() as uow:
        try:
            await _mark_submitted(uow, draft, ticket.ticket_id)
        except _SubmittedMeanwhile:
            return
        await uow.commit()


async def _mark_submitted(uow: IntakeUnitOfWork, read: Draft, ticket_id: str) -> None:
    """Inside the registration's transaction: the draft leaves "my drafts". Raises (and so
    aborts the registration) if it was submitted, discarded or changed meanwhile."""
    current = await uow.drafts.get(read.draft_id)
    if current is None:
        raise NotFound(f"draft {read.draft_id} was discarded")
    if current.submitted_as is not None:
        raise _SubmittedMeanwhile(current.submitted_as)
    if current.updated_at != read.updated_at:
        raise Conflict(f"draft {read.draft_id} changed while it was submitted: submit it again")
    current.submitted_as, current.updated_at = ticket_id, uow.now()
    await uow.drafts.save(current)


async def _own_draft(uow: IntakeUnitOfWork, ref: DraftRef) -> Draft:
    draft = await uow.drafts.get(ref.draft_id)
    if draft is None or not draft.visible_to(ref.actor.id):
        raise NotFound(f"draft {ref.draft_id} not found")
    return draft


async def _open_draft(uow: IntakeUnitOfWork, ref: DraftRef) -> Draft:
    draft = await _own_draft(uow, ref)
    if not draft.open:
        raise NotFound(f"draft {ref.draft_id} was submitted as ticket {draft.submitted_as}")
    return draft
