"""An in-memory read model applying ViewChanges with the same rules as the Mongo adapter."""

from typing import Any

from services.gateway.domain.projection import ViewChange


class InMemoryTicketViews:
    def __init__(self) -> None:
        self.docs: dict[str, dict[str, Any]] = {}

    async def apply(self, change: ViewChange) -> None:
        doc = self.docs.setdefault(change.ticket_id, {"ticket_id": change.ticket_id})
        doc.update(change.facts | {"tenant_id": change.tenant_id})
        stamps = doc.setdefault("aspect_at", {})
        for aspect, fields in change.aspects.items():
            if stamps.get(aspect) is None or stamps[aspect] <= change.at:
                doc.update(fields)
                stamps[aspect] = change.at

    async def get(self, ticket_id: str) -> dict[str, Any] | None:
        doc = self.docs.get(ticket_id)
        return {k: v for k, v in doc.items() if k != "aspect_at"} if doc else None
