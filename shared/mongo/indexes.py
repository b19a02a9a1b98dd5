"""Idempotent index creation at service start-up."""

from collections.abc import Mapping, Sequence
from typing import Any

from pymongo import IndexModel
from pymongo.asynchronous.database import AsyncDatabase

from shared.mongo.outbox_store import OUTBOX, OUTBOX_INDEXES
from shared.mongo.unit_of_work import PROCESSED_EVENTS, PROCESSED_EVENTS_INDEXES

KERNEL_INDEXES: Mapping[str, Sequence[IndexModel]] = {
    OUTBOX: OUTBOX_INDEXES,
    PROCESSED_EVENTS: PROCESSED_EVENTS_INDEXES,
}


async def ensure_indexes(
    db: AsyncDatabase[Any], indexes: Mapping[str, Sequence[IndexModel]]
) -> None:
    """Create every index of the kernel's collections and of ``indexes`` (no-op if present)."""
    for collection, models in {**KERNEL_INDEXES, **indexes}.items():
        if models:
            await db[collection].create_indexes(list(models))
