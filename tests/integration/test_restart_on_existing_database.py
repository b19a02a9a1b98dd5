"""Every service starts again on the database its previous run left, then keeps working.

The first run writes data into every collection the service indexes (a station, so the
2dsphere index holds documents too); the second run must start on that database and
process a new event. This is `make run`, Ctrl-C, `make run` again.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from services.dispatch.bootstrap import create_app as dispatch_app
from services.dispatch.settings import DispatchSettings
from services.gateway.bootstrap import create_app as gateway_app
from services.gateway.settings import GatewaySettings
from services.intake.bootstrap import create_app as intake_app
from services.intake.settings import IntakeSettings
from services.notify.bootstrap import create_app as notify_app
from services.notify.settings import NotifySettings
from services.qc.bootstrap import create_app as qc_app
from services.qc.settings import QcSettings
from services.sla.bootstrap import create_app as sla_app
from services.sla.settings import SlaSettings
from shared.events import Topics
from shared.events.dispatch import (
    TicketAssigned,
    TicketAssignedPayload,
    TicketClosed,
    TicketClosedPayload,
)
from shared.testing.apps import running
from shared.testing.builders import ticket_registered
from shared.testing.kafka import publish_in_order
from shared.testing.tenants import make_known
from shared.testing.waiting import eventually

ADMIN = {"X-Actor-Id": "root", "X-Actor-Role": "admin"}
Step = Callable[[httpx.AsyncClient, str, Topics, str], Awaitable[None]]


async def ok(response: Awaitable[httpx.Response], *statuses: int) -> dict[str, Any]:
    answered = await response
    assert answered.status_code in (statuses or (200,)), answered.text
    return dict(answered.json())


async def found(client: httpx.AsyncClient, path: str) -> dict[str, Any]:
    response = await client.get(path)
    return dict(response.json()) if response.status_code == 200 else {}


async def intake_step(client: httpx.AsyncClient, bootstrap: str, topics: Topics, ref: str) -> None:
    await ok(client.put("/tenants/acme", json={"name": "ACME"}), 200, 201)
    body = {
        "tenant_id": "acme",
        "source": "web",
        "external_ref": ref,
        "type": "repair",
        "subject": "Water leak",
        "account_id": "acct-7",
    }
    ticket = await ok(client.post("/tickets", json=body), 201)
    view = await found(client, f"/tickets/{ticket['ticket_id']}")
    assert view["number"] == ticket["number"]


async def dispatch_step(
    client: httpx.AsyncClient, bootstrap: str, topics: Topics, ref: str
) -> None:
    await make_known(client, bootstrap, topics, "acme")
    station = {"name": "Pudong", "group": "noc", "lon": 121.47, "lat": 31.23}
    await ok(client.put(f"/admin/tenants/acme/stations/s-{ref}", json=station, headers=ADMIN))
    rule = {"order": 1, "assignee": "li.wei"}
    await ok(client.put("/admin/tenants/acme/routing-rules/all", json=rule, headers=ADMIN))
    await publish_in_order(bootstrap, topics.intake_events, ticket_registered(ref))
    view = await eventually(
        lambda: found(client, f"/work-orders/{ref}"), lambda v: v.get("status") == "assigned"
    )
    assert view["assignee"] == "li.wei"


async def sla_step(client: httpx.AsyncClient, bootstrap: str, topics: Topics, ref: str) -> None:
    await publish_in_order(bootstrap, topics.intake_events, ticket_registered(ref))
    view = await eventually(
        lambda: found(client, f"/tickets/{ref}/sla"), lambda v: bool(v.get("clocks"))
    )
    assert {c["metric"] for c in view["clocks"]} >= {"resolution"}


async def gateway_step(client: httpx.AsyncClient, bootstrap: str, topics: Topics, ref: str) -> None:
    await publish_in_order(bootstrap, topics.intake_events, ticket_registered(ref))
    view = await eventually(lambda: found(client, f"/tickets/{ref}"), lambda v: "number" in v)
    assert view["number"] == f"acme-{ref}"


async def qc_step(client: httpx.AsyncClient, bootstrap: str, topics: Topics, ref: str) -> None:
    await make_known(client, bootstrap, topics, "acme")
    policy = {"sample_share": 1.0, "items": [{"key": "ok", "label": "OK", "weight": 1}]}
    await ok(client.put("/tenants/acme/qc-policy", json=policy, headers=ADMIN))
    reg = ticket_registered(ref)
    closed = TicketClosed(
        occurred_at=reg.occurred_at, producer="dispatch", tenant_id="acme", ticket_id=ref,
        payload=TicketClosedPayload(reason="confirmed"),
    )  # fmt: skip
    await publish_in_order(bootstrap, topics.dispatch_events, closed)
    await publish_in_order(bootstrap, topics.intake_events, reg)
    view = await eventually(lambda: found(client, f"/inspections/{ref}"), lambda v: "state" in v)
    assert view["state"] == "open"


async def notify_step(client: httpx.AsyncClient, bootstrap: str, topics: Topics, ref: str) -> None:
    await make_known(client, bootstrap, topics, "acme")
    person = {"email": "li.wei@example.cn", "on_duty": True}
    await ok(client.put("/tenants/acme/people/li.wei", json=person, headers=ADMIN))
    reg = ticket_registered(ref)
    assigned = TicketAssigned(
        occurred_at=reg.occurred_at, producer="dispatch", tenant_id="acme", ticket_id=ref,
        payload=TicketAssignedPayload(assignee="li.wei", reason="on duty"),
    )  # fmt: skip
    await publish_in_order(bootstrap, topics.intake_events, reg)
    await publish_in_order(bootstrap, topics.dispatch_events, assigned)
    told = await eventually(
        lambda: client.get(f"/tickets/{ref}/notifications"),
        lambda r: any(d["recipient"] == "li.wei" for d in r.json()),
    )
    channels = {d["channel"] for d in told.json() if d["recipient"] == "li.wei"}
    assert channels == {"sms", "email", "in_app"}


@dataclass(frozen=True)
class Service:
    settings_class: type[Any]
    create_app: Callable[[Any], Any]
    step: Step
    signed_in: bool = False  # the gateway answers only callers with a token


SERVICES = {
    "intake": Service(IntakeSettings, intake_app, intake_step),
    "dispatch": Service(DispatchSettings, dispatch_app, dispatch_step),
    "sla": Service(SlaSettings, sla_app, sla_step),
    "qc": Service(QcSettings, qc_app, qc_step),
    "notify": Service(NotifySettings, notify_app, notify_step),
    "gateway": Service(GatewaySettings, gateway_app, gateway_step, signed_in=True),
}


@pytest.mark.parametrize("name", list(SERVICES))
async def test_a_service_starts_again_on_its_existing_database(
    name, service_settings, infra, mongo_client, issuer
):
    service = SERVICES[name]
    overrides = {"oidc_issuer": issuer.url} if service.signed_in else {}
    settings = service_settings(service.settings_class, **overrides)
    try:
        for run in ("first", "second", "third"):
            async with running(service.create_app(settings)) as client:
                if service.signed_in:
                    client.headers.update(issuer.headers("acme", ["supervisor"]))
                await service.step(client, infra.kafka_bootstrap, settings.topics, f"{run}-run")
        indexes = await mongo_client[settings.mongo_db]["outbox"].index_information()
        assert "sent_at_1" in indexes
    finally:
        await mongo_client.drop_database(settings.mongo_db)
