"""Driving a running dispatch app in integration tests."""

from typing import Any

import httpx

from shared.events import TicketRegistered
from shared.events.submissions import Location
from shared.testing.builders import ticket_registered
from shared.testing.kafka import publish_in_order
from shared.testing.waiting import eventually

ADMIN = {"X-Actor-Id": "root", "X-Actor-Role": "admin"}


async def work_order(client: httpx.AsyncClient, ticket_id: str) -> dict[str, Any]:
    response = await client.get(f"/work-orders/{ticket_id}")
    return response.json() if response.status_code == 200 else {}


async def until_status(client: httpx.AsyncClient, ticket_id: str, status: str) -> dict[str, Any]:
    return await eventually(
        lambda: work_order(client, ticket_id), lambda view: view.get("status") == status
    )


async def configure(client: httpx.AsyncClient, tenant: str, path: str, body: object) -> None:
    response = await client.put(f"/admin/tenants/{tenant}/{path}", json=body, headers=ADMIN)
    assert response.status_code == 200, response.text


def registered(ticket_id: str, tenant: str = "acme", **fields: Any) -> TicketRegistered:
    """A registration as intake publishes it; ``lon``/``lat``/``region`` make a location."""
    event = ticket_registered(ticket_id, tenant_id=tenant)
    place = {k: fields.pop(k) for k in ("lon", "lat", "region") if k in fields}
    if place:
        fields["location"] = Location(**place)
    return event.model_copy(update={"payload": event.payload.model_copy(update=fields)})


def who(actor_id: str, role: str, version: int | None = None) -> dict[str, str]:
    headers = {"X-Actor-Id": actor_id, "X-Actor-Role": role}
    return headers | ({"If-Match": str(version)} if version is not None else {})


async def assigned_ticket(
    client: httpx.AsyncClient, bootstrap: str, topic: str, ticket_id: str, **fields: Any
) -> dict[str, Any]:
    """A ticket registered through Kafka and routed to li.wei by a catch-all rule."""
    await configure(client, "acme", "routing-rules/all", {"order": 99, "assignee": "li.wei"})
    await publish_in_order(bootstrap, topic, registered(ticket_id, **fields))
    return await until_status(client, ticket_id, "assigned")


async def command(
    client: httpx.AsyncClient,
    ticket_id: str,
    name: str,
    actor: tuple[str, str],
    body: object = None,
    version: int | None = None,
) -> httpx.Response:
    return await client.post(
        f"/work-orders/{ticket_id}/{name}",
        json=body if body is not None else {},
        headers=who(*actor, version),
    )
