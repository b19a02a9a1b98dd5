"""Every service publishes its Kafka contract: what it consumes, what it publishes and
the schema of every event it publishes."""

import asyncio
from typing import Any

import pytest

from services.dispatch.bootstrap import create_app as dispatch_app
from services.dispatch.settings import DispatchSettings
from services.gateway.bootstrap import create_app as gateway_app
from services.gateway.settings import GatewaySettings
from services.intake.bootstrap import create_app as intake_app
from services.intake.settings import IntakeSettings
from services.qc.bootstrap import create_app as qc_app
from services.qc.settings import QcSettings
from services.sla.bootstrap import create_app as sla_app
from services.sla.settings import SlaSettings

SERVICES = {
    "intake": (intake_app, IntakeSettings, "ticketflow.intake.events", "TicketRegistered"),
    "dispatch": (dispatch_app, DispatchSettings, "ticketflow.dispatch.events", "TicketTagged"),
    "sla": (sla_app, SlaSettings, "ticketflow.sla.events", "SlaBreached"),
    "qc": (qc_app, QcSettings, "ticketflow.qc.events", "InspectionSubmitted"),
}


def document(app: Any) -> dict[str, Any]:
    route = next(r for r in app.routes if getattr(r, "path", "") == "/asyncapi.json")
    answer: dict[str, Any] = asyncio.run(route.endpoint())
    return answer


@pytest.mark.parametrize("name", list(SERVICES))
def test_a_producing_service_documents_its_events(name):
    create, settings, topic, event = SERVICES[name]
    doc = document(create(settings()))

    assert doc["asyncapi"].startswith("3.")
    assert f"{topic}:Publish" in doc["channels"]
    assert event in doc["components"]["schemas"]
    assert [c for c in doc["channels"] if not c.endswith(":Publish")]  # what it consumes


def test_the_gateway_documents_what_it_consumes():
    doc = document(gateway_app(GatewaySettings()))

    consumed = {c.split(":")[0] for c in doc["channels"]}
    assert {"ticketflow.intake.events", "ticketflow.dispatch.events"} <= consumed
    assert not any(c.endswith(":Publish") for c in doc["channels"])
