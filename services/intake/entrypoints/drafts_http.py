"""存盘: an agent's drafts — save, list "my drafts", change, discard, submit."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response, status

from services.intake.app import drafts
from services.intake.app.drafts import DraftRef
from services.intake.domain.drafts import DraftContent
from services.intake.entrypoints.actors import drafter
from services.intake.entrypoints.deps import context
from services.intake.entrypoints.views import DraftView, TicketView, draft_view, view
from shared.events import Actor

router = APIRouter(tags=["drafts"])
Drafter = Annotated[Actor, Depends(drafter)]
NO_CONTENT = status.HTTP_204_NO_CONTENT


@router.post("/drafts", status_code=status.HTTP_201_CREATED, response_model=DraftView)
async def save_draft(body: DraftContent, request: Request, by: Drafter) -> DraftView:
    """Save a draft: any field may be missing, those given follow the submission schema."""
    return draft_view(await drafts.save_draft(body, by, context(request).new_uow))


@router.get("/tenants/{tenant_id}/drafts", response_model=list[DraftView])
async def my_drafts(tenant_id: str, request: Request, by: Drafter) -> list[DraftView]:
    """The caller's drafts of the tenant not submitted yet, last changed first."""
    found = await drafts.my_drafts(tenant_id, by, context(request).new_uow)
    return [draft_view(d) for d in found]


@router.get("/drafts/{draft_id}", response_model=DraftView)
async def get_draft(draft_id: str, request: Request, by: Drafter) -> DraftView:
    return draft_view(await drafts.get_draft(DraftRef(draft_id, by), context(request).new_uow))


@router.put("/drafts/{draft_id}", response_model=DraftView)
async def update_draft(
    draft_id: str, body: DraftContent, request: Request, by: Drafter
) -> DraftView:
    ref, new_uow = DraftRef(draft_id, by), context(request).new_uow
    return draft_view(await drafts.update_draft(ref, body, new_uow))


@router.delete("/drafts/{draft_id}", status_code=NO_CONTENT, response_class=Response)
async def discard_draft(draft_id: str, request: Request, by: Drafter) -> None:
    await drafts.discard_draft(DraftRef(draft_id, by), context(request).new_uow)


@router.post(
    "/drafts/{draft_id}/submit",
    status_code=status.HTTP_201_CREATED,
    response_model=TicketView,
    responses={200: {"model": TicketView, "description": "Submitted before: its ticket"}},
)
async def submit_draft(
    draft_id: str, request: Request, response: Response, by: Drafter
) -> TicketView:
    """Register the draft like ``POST /tickets``; a 422 names the fields still missing."""
    ctx = context(request)
    result = await drafts.submit_draft(DraftRef(draft_id, by), ctx.new_uow, ctx.numbering)
    if not result.created:
        response.status_code = status.HTTP_200_OK
    return view(result.ticket)
