"""Writes through the gateway: each one scoped to the caller's tenant, sent to the service
that owns it with the caller as the actor, and answered once per ``Idempotency-Key``."""

import json
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Header, Request, Response

from services.gateway.app import forwarding
from services.gateway.app.append_and_urge import Appended, append_and_urge
from services.gateway.app.ports import ServiceRequest
from services.gateway.domain.callers import REGISTRARS, STAFF, require
from services.gateway.entrypoints.deps import Ctx, Tenant, Who
from services.gateway.entrypoints.schemas import (
    EDGE_RESPONSES,
    AppendAndUrgeBody,
    AppendedAndUrged,
    TicketCommand,
)
from shared.errors import InvalidFields, NotFound
from shared.http import refusal

router = APIRouter(tags=["commands"], responses=EDGE_RESPONSES)
# What the services answer a command: 200 the changed work order, 201 something created
# (a comment, a problem), 202 a customer reply taken for later.
ANSWERS: dict[int | str, dict[str, Any]] = {
    200: {"description": "Done; the service's answer"},
    201: {"description": "Created; the service's answer"},
    202: {"description": "Accepted for later; the service's answer"},
}

IdempotencyKey = Annotated[
    str | None,
    Header(min_length=1, max_length=200, description="The same key answers the first reply"),
]
IfMatch = Annotated[str | None, Header(max_length=40, description="The expected version")]
JSON = "application/json"


@router.put("/tickets/{ticket_id}/watchers/me")
async def watch(ticket_id: str, ctx: Ctx, who: Who, if_match: IfMatch = None) -> Response:
    return await _on_ticket(ctx, who, ticket_id, "PUT", "watchers/me", if_match)


@router.delete("/tickets/{ticket_id}/watchers/me")
async def unwatch(ticket_id: str, ctx: Ctx, who: Who, if_match: IfMatch = None) -> Response:
    return await _on_ticket(ctx, who, ticket_id, "DELETE", "watchers/me", if_match)


@router.delete("/tickets/{ticket_id}/tags/{tag:path}")  # a tag may contain "/"
async def untag(ticket_id: str, tag: str, ctx: Ctx, who: Who, if_match: IfMatch = None) -> Response:
    return await _on_ticket(ctx, who, ticket_id, "DELETE", f"tags/{quote(tag, safe='')}", if_match)


@router.post("/tickets", status_code=201, responses={200: ANSWERS[200]})
async def register(
    request: Request, ctx: Ctx, who: Who, tenant: Tenant, idempotency_key: IdempotencyKey = None
) -> Response:
    """Register a submission (intake's ``Submission``) in your tenant."""
    require(who, REGISTRARS)
    body = in_tenant(await request.body(), tenant)
    sent = ServiceRequest("intake", "POST", "/tickets", body, JSON)
    return as_response(await forwarding.send(sent, who, idempotency_key, ctx.forwarding))


@router.post("/tickets/{ticket_id}/attachments", status_code=201, tags=["field app"])
async def attach(
    ticket_id: str, request: Request, ctx: Ctx, who: Who, idempotency_key: IdempotencyKey = None
) -> Response:
    """Upload one file (multipart ``file``): a photo from site, a document."""
    await forwarding.ticket_in_scope(ticket_id, who, ctx.new_uow)
    content_type = request.headers.get("content-type", "")
    path = f"/tickets/{ticket_id}/attachments"
    sent = ServiceRequest("intake", "POST", path, await request.body(), content_type)
    return as_response(await forwarding.send(sent, who, idempotency_key, ctx.forwarding))


@router.post(
    "/tickets/{ticket_id}/append-and-urge",
    response_model=AppendedAndUrged,
    responses={409: refusal(
        "Not urged: the ticket's state does not allow it (nothing appended when `done` is "
        "missing), or the note was appended (`done`) and the urge failed (`failed`)"
    )},
)  # fmt: skip
async def append_and_urge_ticket(
    ticket_id: str, body: AppendAndUrgeBody, ctx: Ctx, who: Who,
    idempotency_key: IdempotencyKey = None,
) -> Any:  # fmt: skip
    """录入追加信息后再催单: ``text`` appended as an internal note (visible to the handler,
    never on the portal), then the ticket urged (with ``note``, if given). With an
    ``Idempotency-Key`` a retry never appends twice: it answers what the first request
    did and sends only a step that did not happen."""
    await forwarding.ticket_in_scope(ticket_id, who, ctx.new_uow)
    done = await append_and_urge(
        ticket_id, body.text, body.note, who, idempotency_key, ctx.forwarding
    )
    if isinstance(done, Appended):
        return AppendedAndUrged(comment=done.comment, ticket=done.ticket)
    return as_response(done)


# Last: the fixed paths above (attachments, append-and-urge) are not commands.
@router.post("/tickets/{ticket_id}/{command}", responses=ANSWERS)
async def ticket_command(
    ticket_id: str, command: TicketCommand, request: Request, ctx: Ctx, who: Who,
    idempotency_key: IdempotencyKey = None, if_match: IfMatch = None,
) -> Response:  # fmt: skip
    """A workflow command on a ticket; its body is the one dispatch documents for it."""
    await forwarding.ticket_in_scope(ticket_id, who, ctx.new_uow)
    path = f"/work-orders/{ticket_id}/{command.value}"
    body = await request.body()
    sent = ServiceRequest("dispatch", "POST", path, body, JSON if body else "", if_match=if_match)
    return as_response(await forwarding.send(sent, who, idempotency_key, ctx.forwarding))


FILE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"*/*": {}}, "description": "The file, with its sniffed type"}
}


@router.get("/tickets/{ticket_id}/attachments/{attachment_id}", tags=["reading"], responses=FILE)
async def download(ticket_id: str, attachment_id: str, ctx: Ctx, who: Who) -> Response:
    """A ticket's file (an image is shown inline: the detail's ``preview_url``)."""
    require(who, STAFF)
    await forwarding.ticket_in_scope(ticket_id, who, ctx.new_uow)
    path = f"/tickets/{ticket_id}/attachments/{attachment_id}"
    return as_response(await forwarding.send(ServiceRequest("intake", "GET", path), who, None,
                                           ctx.forwarding))  # fmt: skip


async def _on_ticket(
    ctx: Ctx, who: Who, ticket_id: str, method: str, command: str, if_match: str | None
) -> Response:
    await forwarding.ticket_in_scope(ticket_id, who, ctx.new_uow)
    path = f"/work-orders/{ticket_id}/{command}"
    sent = ServiceRequest("dispatch", method, path, if_match=if_match)
    return as_response(await forwarding.send(sent, who, None, ctx.forwarding))


def in_tenant(body: bytes, tenant: str) -> bytes:
    """The submission, in the caller's tenant; naming another one is a 404 like any other
    tenant the caller does not belong to."""
    try:
        submission = json.loads(body)
    except ValueError as error:
        raise InvalidFields({"body": f"is not JSON: {error}"}) from error
    if not isinstance(submission, dict):
        raise InvalidFields({"body": "must be a JSON object"})
    named = submission.get("tenant_id")
    if named is not None and named != tenant:
        raise NotFound(f"tenant {named} not found")
    return json.dumps(submission | {"tenant_id": tenant}).encode()


def as_response(reply: forwarding.StoredReply) -> Response:
    return Response(reply.body, status_code=reply.status, media_type=reply.content_type)
