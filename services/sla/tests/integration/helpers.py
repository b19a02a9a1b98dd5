"""Set-up shared by the SLA integration tests: a 24×7 tenant with second-sized targets."""

import contextlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import httpx

from services.sla.bootstrap import create_app
from services.sla.settings import SlaSettings
from shared.events import TicketRegistered, TicketRegisteredPayload
from shared.events.vocabulary import Channel, Priority, Severity, TicketStatus, TicketType
from shared.testing.apps import running
from shared.testing.tenants import make_known

TENANT = "acme"
ALWAYS = {day: ["00:00-24:00"] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


@contextlib.asynccontextmanager
async def serving(settings: SlaSettings, **create: Any) -> AsyncIterator[httpx.AsyncClient]:
    """SLA running (``create``: create_app's other arguments), knowing ``TENANT`` as if
    intake had provisioned it: its configuration is accepted."""
    async with running(create_app(settings, **create)) as sla:
        await make_known(sla, settings.kafka_bootstrap_servers, settings.topics, TENANT)
        yield sla


async def configure_tiny_targets(sla: httpx.AsyncClient, response_seconds: int) -> None:
    calendar = await sla.put(f"/tenants/{TENANT}/calendar", json={"zone": "UTC", "weekly": ALWAYS})
    assert calendar.status_code == 200, calendar.text
    policy = {
        "policy_id": "emergency",
        "priorities": ["P1"],
        "targets": [{"metric": "response", "business_seconds": response_seconds}],
        "thresholds": [50],
    }
    policies = await sla.put(f"/tenants/{TENANT}/policies", json={"policies": [policy]})
    assert policies.status_code == 200, policies.text


def emergency(ticket_id: str, at: datetime | None = None) -> TicketRegistered:
    now = at or datetime.now(UTC)
    return TicketRegistered(
        occurred_at=now, producer="intake", tenant_id=TENANT, ticket_id=ticket_id,
        payload=TicketRegisteredPayload(
            number=f"{TENANT}-{ticket_id}", source=Channel.PHONE, external_ref=ticket_id,
            type=TicketType.INCIDENT, subject="network down", urgency=1, impact=1,
            priority=Priority.P1, severity=Severity.NORMAL, status=TicketStatus.ASSIGNED,
            registered_at=now,
        ),
    )  # fmt: skip
