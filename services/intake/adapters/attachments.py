"""Attachment records in MongoDB and their bytes in GridFS."""

from dataclasses import asdict
from typing import Any

from gridfs import AsyncGridFSBucket
from gridfs.errors import NoFile
from pymongo import ASCENDING, IndexModel
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from services.intake.domain.attachments import Attachment

ATTACHMENTS = "attachments"
ATTACHMENT_INDEXES = [
    IndexModel([("ticket_id", ASCENDING), ("added_at", ASCENDING)]),
]


class MongoAttachmentRecords:
    def __init__(self, db: AsyncDatabase[Any], session: AsyncClientSession) -> None:
        self._records = db[ATTACHMENTS]
        self._session = session

    async def add(self, attachment: Attachment) -> None:
        doc = asdict(attachment)
        doc["_id"] = doc.pop("attachment_id")
        await self._records.insert_one(doc, session=self._session)

    async def get(self, ticket_id: str, attachment_id: str) -> Attachment | None:
        query = {"_id": attachment_id, "ticket_id": ticket_id}
        doc = await self._records.find_one(query, session=self._session)
        return _attachment(doc) if doc else None

    async def of_ticket(self, ticket_id: str) -> list[Attachment]:
        cursor = self._records.find({"ticket_id": ticket_id}, session=self._session)
        return [_attachment(doc) async for doc in cursor.sort("added_at", ASCENDING)]


def _attachment(doc: dict[str, Any]) -> Attachment:
    fields = {k: v for k, v in doc.items() if k != "_id"}
    return Attachment(attachment_id=doc["_id"], **fields)


class GridFsBlobs:
    """GridFS files keyed by the attachment id; uploaded before the recording transaction."""

    def __init__(self, db: AsyncDatabase[Any]) -> None:
        self._bucket = AsyncGridFSBucket(db, bucket_name="attachments")

    async def put(self, blob_id: str, filename: str, content: bytes) -> None:
        await self._bucket.upload_from_stream_with_id(blob_id, filename, content)

    async def read(self, blob_id: str) -> bytes:
        stream = await self._bucket.open_download_stream(blob_id)
        return await stream.read()

    async def delete(self, blob_id: str) -> None:
        try:
            await self._bucket.delete(blob_id)
        except NoFile:
            return  # nothing was stored: there is nothing to remove
