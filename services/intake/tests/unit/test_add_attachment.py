from zoneinfo import ZoneInfo

import pytest

from services.intake.app import attachments, handlers
from services.intake.app.attachments import AddAttachment
from services.intake.app.handlers import Numbering, RegisterTicket
from services.intake.domain.attachments import (
    AttachmentTooLarge,
    EmptyAttachment,
    UnsupportedAttachmentType,
)
from services.intake.domain.config import TenantConfig
from services.intake.tests.unit.fakes import FakeBlobs, FakeUnitOfWork
from shared.errors import NotFound
from shared.events import SYSTEM_ACTOR
from shared.events.intake import AttachmentAdded
from shared.events.submissions import Submission

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
DEFAULTS = TenantConfig(max_attachment_bytes=200)


async def ticket_in(uow):
    s = Submission.model_validate(
        {"tenant_id": "acme", "source": "web", "external_ref": "w-1", "type": "repair",
         "subject": "Leak", "account_id": "acct-1"}
    )  # fmt: skip
    cmd = RegisterTicket(s, SYSTEM_ACTOR)
    return (await handlers.register_ticket(cmd, uow, Numbering(ZoneInfo("UTC")))).ticket


async def add(uow, blobs, ticket_id, content, filename="photo.pdf"):
    cmd = AddAttachment(ticket_id, filename, content, SYSTEM_ACTOR)
    return await attachments.add_attachment(cmd, uow, blobs, DEFAULTS)


async def test_a_png_named_pdf_is_stored_as_png_and_announced():
    uow, blobs = FakeUnitOfWork(), FakeBlobs()
    ticket = await ticket_in(uow)
    added = await add(uow, blobs, ticket.ticket_id, PNG)
    assert (added.content_type, added.filename, added.size) == ("image/png", "photo.pdf", len(PNG))
    assert blobs.files == {added.attachment_id: PNG}
    assert await attachments.list_attachments(ticket.ticket_id, uow) == [added]
    assert await attachments.download(ticket.ticket_id, added.attachment_id, uow, blobs) == (
        added,
        PNG,
    )
    event = uow.published[-1]
    assert isinstance(event, AttachmentAdded)
    assert event.payload.sha256 == added.sha256


@pytest.mark.parametrize(
    ("content", "error"),
    [
        (PNG + b"\x00" * 100, AttachmentTooLarge),
        (b"MZ\x90\x00", UnsupportedAttachmentType),
        (b"", EmptyAttachment),
    ],
)
async def test_a_refused_attachment_stores_nothing(content, error):
    uow, blobs = FakeUnitOfWork(), FakeBlobs()
    ticket = await ticket_in(uow)
    with pytest.raises(error):
        await add(uow, blobs, ticket.ticket_id, content)
    assert blobs.files == {}
    assert uow.attachments.rows == []


async def test_the_tenant_limit_overrides_the_default():
    uow, blobs = FakeUnitOfWork(), FakeBlobs()
    ticket = await ticket_in(uow)
    uow.tenants.provision("acme", TenantConfig(max_attachment_bytes=50))
    with pytest.raises(AttachmentTooLarge):
        await add(uow, blobs, ticket.ticket_id, PNG)


async def test_an_unknown_ticket_is_404():
    with pytest.raises(NotFound):
        await add(FakeUnitOfWork(), FakeBlobs(), "nope", PNG)


async def test_a_stored_file_keeps_only_a_safe_base_name():
    uow, blobs = FakeUnitOfWork(), FakeBlobs()
    ticket = await ticket_in(uow)
    added = await add(uow, blobs, ticket.ticket_id, PNG, filename="../../x\r\n.png")
    assert added.filename == "x.png"
    assert uow.published[-1].payload.filename == "x.png"
