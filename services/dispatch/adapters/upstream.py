"""Follow-up submissions to intake, written to the outbox in the command's transaction."""

from datetime import datetime
from typing import Any
from uuid import uuid4

from opentelemetry import propagate
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from shared.events.submissions import Submission
from shared.mongo.outbox_store import OUTBOX, PENDING


def submission_document(
    submission: Submission, topic: str, key: str, now: datetime
) -> dict[str, Any]:
    """An outbox document in the relay's shape whose value is the submission's JSON."""
    headers: dict[str, str] = {}
    propagate.inject(headers)
    return {
        "_id": str(uuid4()),
        "topic": topic,
        "key": key.encode(),
        "value": submission.model_dump_json().encode(),
        "headers": headers | {"content_type": "application/json"},
        "state": PENDING,
        "created_at": now,
        "position": 0,
    }


async def append_submissions(
    db: AsyncDatabase[Any], session: AsyncClientSession, docs: list[dict[str, Any]]
) -> None:
    if docs:
        await db[OUTBOX].insert_many(docs, session=session)
