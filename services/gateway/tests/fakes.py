"""An in-memory read model: it stores what the domain's update says, like the adapter."""

from datetime import datetime
from typing import Any

from services.gateway.domain.projection import ViewUpdate


class InMemoryTicketViews:
    def __init__(self) -> None:
        self.docs: dict[str, dict[str, Any]] = {}

    async def aspect_stamps(self, ticket_id: str) -> dict[str, datetime]:
        return dict(self.docs.get(ticket_id, {}).get("aspect_at", {}))

    async def save(self, ticket_id: str, update: ViewUpdate) -> None:
        doc = self.docs.setdefault(ticket_id, {"ticket_id": ticket_id})
        doc.update(update.fields)
        doc.setdefault("aspect_at", {}).update(update.stamps)

    async def get(self, ticket_id: str) -> dict[str, Any] | None:
        doc = self.docs.get(ticket_id)
        return {k: v for k, v in doc.items() if k != "aspect_at"} if doc else None
