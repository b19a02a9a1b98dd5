"""MongoDB persistence of agents' drafts (存盘)."""

from typing import Any

from pymongo import ASCENDING, DESCENDING, IndexModel
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from services.intake.domain.drafts import Draft, DraftContent

DRAFTS = "drafts"
# A submitted draft is kept only to answer a repeated submit with its ticket.
SUBMITTED_KEPT_S = 7 * 24 * 3600

DRAFT_INDEXES = [
    # "My drafts": one person's open drafts of a tenant, last changed first.
    IndexModel(
        [
            ("tenant_id", ASCENDING),
            ("owner", ASCENDING),
            ("open", ASCENDING),
            ("updated_at", DESCENDING),
        ]
    ),
    # Only submitted drafts carry ``submitted_at``: open ones never expire.
    IndexModel([("submitted_at", ASCENDING)], expireAfterSeconds=SUBMITTED_KEPT_S),
]


def _document(draft: Draft) -> dict[str, Any]:
    doc = {
        "_id": draft.draft_id,
        "tenant_id": draft.tenant_id,
        "owner": draft.owner,
        "content": draft.content.model_dump(mode="json", exclude_none=True),
        "created_at": draft.created_at,
        "updated_at": draft.updated_at,
        "open": draft.open,
        "submitted_as": draft.submitted_as,
    }
    return doc | ({} if draft.open else {"submitted_at": draft.updated_at})


def _draft(doc: dict[str, Any]) -> Draft:
    return Draft(
        draft_id=doc["_id"],
        owner=doc["owner"],
        content=DraftContent.model_validate(doc["content"]),
        created_at=doc["created_at"],
        updated_at=doc["updated_at"],
        submitted_as=doc.get("submitted_as"),
    )


class MongoDrafts:
    def __init__(self, db: AsyncDatabase[Any], session: AsyncClientSession) -> None:
        self._drafts = db[DRAFTS]
        self._session = session

    async def get(self, draft_id: str) -> Draft | None:
        doc = await self._drafts.find_one({"_id": draft_id}, session=self._session)
        return _draft(doc) if doc else None

    async def save(self, draft: Draft) -> None:
        await self._drafts.replace_one(
            {"_id": draft.draft_id}, _document(draft), upsert=True, session=self._session
        )

    async def delete(self, draft_id: str) -> bool:
        result = await self._drafts.delete_one({"_id": draft_id}, session=self._session)
        return result.deleted_count == 1

    async def open_of(self, tenant_id: str, owner: str, limit: int) -> list[Draft]:
        query = {"tenant_id": tenant_id, "owner": owner, "open": True}
        cursor = self._drafts.find(query, session=self._session)
        return [_draft(doc) async for doc in cursor.sort("updated_at", DESCENDING).limit(limit)]

    async def count_open(self, tenant_id: str, owner: str) -> int:
        query = {"tenant_id": tenant_id, "owner": owner, "open": True}
        return await self._drafts.count_documents(query, session=self._session)
