"""Attachments of a ticket: multipart upload, listing, download."""

from datetime import datetime
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Form, Request, Response, UploadFile, status
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError

from services.intake.app import attachments
from services.intake.app.handlers import RegisterTicket
from services.intake.domain.attachments import Attachment
from services.intake.domain.config import MAX_ATTACHMENT_BYTES
from services.intake.entrypoints.actors import actor
from services.intake.entrypoints.deps import context
from services.intake.entrypoints.views import TicketView, view
from shared.events import Actor
from shared.events.submissions import Submission
from shared.http import refusal

router = APIRouter(
    tags=["attachments"],
    responses={
        413: refusal("The file exceeds the tenant's limit"),
        415: refusal("The file's sniffed type is not allowed for the tenant"),
    },
)


class AttachmentView(BaseModel):
    attachment_id: str
    ticket_id: str
    filename: str
    size: int
    content_type: str
    sha256: str
    added_at: datetime


class TicketWithAttachments(BaseModel):
    ticket: TicketView
    attachments: list[AttachmentView]


def _view(a: Attachment) -> AttachmentView:
    return AttachmentView.model_validate(a, from_attributes=True)


@router.post(
    "/tickets/{ticket_id}/attachments",
    status_code=status.HTTP_201_CREATED,
    response_model=AttachmentView,
)
async def upload(
    ticket_id: str, file: UploadFile, request: Request, by: Annotated[Actor, Depends(actor)]
) -> AttachmentView:
    """Store one file; its type is sniffed from the bytes (413 too large, 415 not allowed)."""
    ctx = context(request)
    content = await _bounded(file)
    cmd = attachments.AddAttachment(ticket_id, file.filename, content, by)
    added = await attachments.add_attachment(cmd, ctx.new_uow, ctx.blobs, ctx.numbering.defaults)
    return _view(added)


@router.post(
    "/tickets/with-attachments",
    status_code=status.HTTP_201_CREATED,
    response_model=TicketWithAttachments,
    responses={
        200: {"model": TicketWithAttachments, "description": "A resubmission: the original"}
    },
)
async def register_with_attachments(
    submission: Annotated[str, Form(description="the Submission as JSON")],
    request: Request,
    response: Response,
    by: Annotated[Actor, Depends(actor)],
    files: Annotated[list[UploadFile] | None, File()] = None,
) -> TicketWithAttachments:
    """``POST /tickets`` with files: all are checked first, a resubmission stores none."""
    ctx = context(request)
    cmd = RegisterTicket(parsed_submission(submission), by)
    uploads = [attachments.Upload(f.filename, await _bounded(f)) for f in files or []]
    result, added = await attachments.register_with_attachments(
        cmd, uploads, ctx.new_uow, ctx.blobs, ctx.numbering
    )
    response.status_code = status.HTTP_201_CREATED if result.created else status.HTTP_200_OK
    return TicketWithAttachments(ticket=view(result.ticket), attachments=[_view(a) for a in added])


def parsed_submission(raw: str) -> Submission:
    try:
        return Submission.model_validate_json(raw)
    except ValidationError as error:
        raise RequestValidationError(error.errors()) from error


@router.get("/tickets/{ticket_id}/attachments", response_model=list[AttachmentView])
async def list_attachments(ticket_id: str, request: Request) -> list[AttachmentView]:
    found = await attachments.list_attachments(ticket_id, context(request).new_uow)
    return [_view(a) for a in found]


@router.get("/tickets/{ticket_id}/attachments/{attachment_id}", response_class=Response)
async def download(ticket_id: str, attachment_id: str, request: Request) -> Response:
    ctx = context(request)
    found, content = await attachments.download(ticket_id, attachment_id, ctx.new_uow, ctx.blobs)
    disposition = f"attachment; filename*=UTF-8''{_quoted(found.filename)}"
    headers = {"Content-Disposition": disposition, "X-Content-SHA256": found.sha256}
    return Response(content, media_type=found.content_type, headers=headers)


async def _bounded(file: UploadFile) -> bytes:
    # One byte over the largest limit any tenant may set is enough to refuse it as too large.
    return await file.read(MAX_ATTACHMENT_BYTES + 1)


def _quoted(filename: str) -> str:
    return quote(filename, safe="")
