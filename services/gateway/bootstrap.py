"""Wires the gateway: the only place that builds clients, repositories and entrypoints."""

from fastapi import FastAPI
from opentelemetry.sdk.trace.export import SpanExporter

from services.gateway.adapters.mongo import INDEXES, GatewayMongoUnitOfWork
from services.gateway.app.context import GatewayContext
from services.gateway.entrypoints import http, kafka
from services.gateway.settings import GatewaySettings
from shared.clock import Clock
from shared.service import ServiceKit

CONSUMER_GROUP = "gateway"


def create_app(
    settings: GatewaySettings, clock: Clock | None = None, span_exporter: SpanExporter | None = None
) -> FastAPI:
    """The service as an ASGI app; its lifespan starts and stops everything it uses."""
    kit = ServiceKit(settings, clock, span_exporter)
    topics = kit.topics
    ctx = GatewayContext(new_uow=kit.units_of_work(GatewayMongoUnitOfWork))
    kit.subscribe(
        [topics.intake_events, topics.dispatch_events, topics.sla_events],
        CONSUMER_GROUP,
        kafka.ticket_events(ctx),
        batched=True,
    )
    return kit.app(context=ctx, routers=[http.router], indexes=INDEXES)
