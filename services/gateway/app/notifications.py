"""Staff members' in-app notices: kept from notify's events, read and marked read by the
recipient alone."""

from typing import Any
from uuid import UUID

from services.gateway.app.ports import NewUnitOfWork
from shared.errors import NotFound
from shared.events.notify import NotificationPosted

CONSUMER = "gateway.notifications"


def feed_item(event: NotificationPosted) -> dict[str, Any]:
    p = event.payload
    return {
        "_id": p.delivery_id, "tenant_id": event.tenant_id, "recipient": p.recipient,
        "ticket_id": event.ticket_id, "kind": p.kind, "critical": p.critical,
        "subject": p.subject, "text": p.text, "posted_at": event.occurred_at, "read_at": None,
    }  # fmt: skip


async def keep(event_id: UUID, event: NotificationPosted, new_uow: NewUnitOfWork) -> None:
    async with new_uow() as uow:
        if await uow.already_processed(CONSUMER, event_id):
            return
        await uow.notifications.post(feed_item(event))
        await uow.commit()


async def of(
    tenant_id: str, recipient: str, unread_only: bool, limit: int, new_uow: NewUnitOfWork
) -> list[dict[str, Any]]:
    async with new_uow() as uow:
        return await uow.notifications.of(tenant_id, recipient, unread_only, limit)


async def mark_read(tenant_id: str, recipient: str, item_id: str, new_uow: NewUnitOfWork) -> None:
    async with new_uow() as uow:
        if not await uow.notifications.mark_read(tenant_id, recipient, item_id, uow.now()):
            raise NotFound(f"no notice {item_id!r} for {recipient}")
        await uow.commit()
