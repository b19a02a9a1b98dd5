"""Attachments of a ticket: checked, stored as a blob, recorded and announced."""

import asyncio
from dataclasses import dataclass
from datetime import datetime
from uuid import uuid4

from services.intake.app.handlers import (
    Numbering,
    RegisterTicket,
    Registration,
    get_ticket,
    register_ticket,
)
from services.intake.app.ports import BlobStore, IntakeUnitOfWork, NewUnitOfWork
from services.intake.app.tenants import config_for, config_of
from services.intake.domain.attachments import (
    Attachment,
    AttachmentPolicy,
    digest,
    safe_filename,
)
from services.intake.domain.config import TenantConfig
from services.intake.domain.ticket import PRODUCER, Ticket
from shared.errors import NotFound
from shared.events import Actor
from shared.events.intake import AttachmentAdded, AttachmentAddedPayload


@dataclass(frozen=True)
class AddAttachment:
    ticket_id: str
    filename: str | None
    content: bytes
    actor: Actor


@dataclass(frozen=True)
class Upload:
    filename: str | None
    content: bytes

    @property
    def safe_name(self) -> str:
        return safe_filename(self.filename)


async def register_with_attachments(
    cmd: RegisterTicket,
    uploads: list[Upload],
    new_uow: NewUnitOfWork,
    blobs: BlobStore,
    numbering: Numbering,
) -> tuple[Registration, list[Attachment]]:
    """Register and attach in one request, all or nothing.

    Every file is checked first; the bytes go to the blob store, then the ticket and the
    attachment records and events commit in one transaction. If that fails the bytes are
    removed again; a process that dies in between leaves only unreferenced bytes. A
    resubmission stores nothing and answers with the ticket's attachments as they are, so a
    retry after a lost answer sees the files it sent the first time.
    """
    policy = _policy(await config_for(cmd.submission.tenant_id, new_uow, numbering.defaults))
    checked = [(u, policy.accept(u.content, f"files.{i}")) for i, u in enumerate(uploads)]
    staged = [(uuid4().hex, u, content_type) for u, content_type in checked]
    for blob_id, upload, _ in staged:
        await blobs.put(blob_id, upload.safe_name, upload.content)
    added: list[Attachment] = []

    async def record(uow: IntakeUnitOfWork, ticket: Ticket) -> None:
        added.clear()  # a retried transaction records them again
        for blob_id, upload, content_type in staged:
            attachment = _attachment(blob_id, ticket, upload, content_type, uow.now())
            await uow.attachments.add(attachment)
            uow.publish(_added(attachment, cmd.actor, ticket.submission.external_ref))
            added.append(attachment)

    try:
        registration = await register_ticket(cmd, new_uow, numbering, also=record)
    except BaseException:
        await _discard(blobs, staged)
        raise
    if not registration.created:
        await _discard(blobs, staged)
        return registration, await list_attachments(registration.ticket.ticket_id, new_uow)
    return registration, added


async def _discard(blobs: BlobStore, staged: list[tuple[str, Upload, str]]) -> None:
    for blob_id, _, _ in staged:
        await asyncio.shield(blobs.delete(blob_id))


def _attachment(
    blob_id: str, ticket: Ticket, upload: Upload, content_type: str, now: datetime
) -> Attachment:
    return Attachment(
        blob_id, ticket.tenant_id, ticket.ticket_id, upload.safe_name, len(upload.content),
        content_type, digest(upload.content), now,
    )  # fmt: skip


def _policy(config: TenantConfig) -> AttachmentPolicy:
    return AttachmentPolicy(config.max_attachment_bytes, frozenset(config.allowed_content_types))


async def add_attachment(
    cmd: AddAttachment, new_uow: NewUnitOfWork, blobs: BlobStore, defaults: TenantConfig
) -> Attachment:
    ticket = await get_ticket(cmd.ticket_id, new_uow)
    policy = _policy(await config_of(ticket.tenant_id, new_uow, defaults))
    content_type, filename = policy.accept(cmd.content), safe_filename(cmd.filename)
    async with new_uow() as uow:
        attachment = Attachment(
            uuid4().hex,
            ticket.tenant_id,
            ticket.ticket_id,
            filename,
            len(cmd.content),
            content_type,
            digest(cmd.content),
            uow.now(),
        )
        await blobs.put(attachment.attachment_id, filename, cmd.content)
        try:
            await uow.attachments.add(attachment)
            uow.publish(_added(attachment, cmd.actor, ticket.submission.external_ref))
            await uow.commit()
        except BaseException:
            await blobs.delete(attachment.attachment_id)
            raise
    return attachment


def _added(a: Attachment, actor: Actor, correlation_id: str) -> AttachmentAdded:
    return AttachmentAdded(
        occurred_at=a.added_at,
        producer=PRODUCER,
        tenant_id=a.tenant_id,
        ticket_id=a.ticket_id,
        actor=actor,
        correlation_id=correlation_id,
        payload=AttachmentAddedPayload(
            attachment_id=a.attachment_id,
            filename=a.filename,
            size=a.size,
            content_type=a.content_type,
            sha256=a.sha256,
        ),
    )


async def list_attachments(ticket_id: str, new_uow: NewUnitOfWork) -> list[Attachment]:
    await get_ticket(ticket_id, new_uow)
    async with new_uow() as uow:
        return await uow.attachments.of_ticket(ticket_id)


async def download(
    ticket_id: str, attachment_id: str, new_uow: NewUnitOfWork, blobs: BlobStore
) -> tuple[Attachment, bytes]:
    async with new_uow() as uow:
        attachment = await uow.attachments.get(ticket_id, attachment_id)
    if attachment is None:
        raise NotFound(f"attachment {attachment_id} of ticket {ticket_id} not found")
    return attachment, await blobs.read(attachment_id)
