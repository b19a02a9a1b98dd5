"""The read model's changes for the dashboard's pages, which must also know when the
stream is open: a page rendered before then refreshes once it is, so a change written
between the render and the stream's start is never missed."""

from collections.abc import AsyncIterator
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import OperationFailure

from services.gateway.adapters.mongo import TICKETS
from services.gateway.app.ports import FeedChange

# Yielded once the change stream is open (before any change).
OPENED = FeedChange("", None)


class MongoPageFeed:
    def __init__(self, db: AsyncDatabase[Any]) -> None:
        self._tickets = db[TICKETS]

    async def follow(self, tenant_id: str, resume_from: str | None) -> AsyncIterator[FeedChange]:
        """``OPENED``, then each change of the tenant's tickets (after ``resume_from``; a
        resume point the server no longer has starts from now)."""
        pipeline = [{"$match": {"fullDocument.tenant_id": tenant_id}}]
        try:
            stream = await self._watch(pipeline, resume_from)
        except OperationFailure:
            stream = await self._watch(pipeline, None)
        async with stream:
            yield OPENED
            async for change in stream:
                if change.get("fullDocument"):
                    yield FeedChange(change["_id"]["_data"], change["fullDocument"])

    async def _watch(self, pipeline: list[dict[str, Any]], resume_from: str | None) -> Any:
        resume = {"_data": resume_from} if resume_from else None
        return await self._tickets.watch(
            pipeline, full_document="updateLookup", resume_after=resume
        )
