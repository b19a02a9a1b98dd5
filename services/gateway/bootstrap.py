"""Wires the gateway: the only place that builds clients, repositories and entrypoints."""

from functools import partial

from fastapi import FastAPI
from opentelemetry.sdk.trace.export import SpanExporter

from services.gateway.adapters.mongo import INDEXES, GatewayMongoUnitOfWork
from services.gateway.bootstrap_types import GatewayContext
from services.gateway.entrypoints import http, kafka
from services.gateway.settings import GatewaySettings
from shared.clock import Clock, SystemClock
from shared.http import install_http_basics
from shared.kafka.broker import create_broker, subscribe
from shared.mongo.client import create_mongo_client
from shared.mongo.indexes import ensure_indexes
from shared.runtime import Runtime
from shared.telemetry import create_tracer_provider, instrument_fastapi

CONSUMER_GROUP = "gateway"


def create_app(
    settings: GatewaySettings, clock: Clock | None = None, span_exporter: SpanExporter | None = None
) -> FastAPI:
    """The service as an ASGI app; its lifespan starts and stops everything it uses."""
    clock = clock or SystemClock()
    tracer = create_tracer_provider(settings.service_name, settings, span_exporter)
    topics = settings.topics
    mongo = create_mongo_client(settings, settings.service_name)
    db = mongo[settings.mongo_db]
    ctx = GatewayContext(new_uow=partial(GatewayMongoUnitOfWork, mongo, db, topics, clock))
    broker = create_broker(settings, settings.service_name, tracer)
    event_topics = [topics.intake_events, topics.dispatch_events, topics.sla_events]
    subscribe(
        broker,
        settings,
        topics=event_topics,
        group_id=CONSUMER_GROUP,
        handler=kafka.ticket_events(ctx),
    )
    runtime = Runtime(
        kafka=settings,
        broker=broker,
        mongo=mongo,
        tracer_provider=tracer,
        topics=event_topics,
        on_startup=[partial(ensure_indexes, db, INDEXES)],
    )
    app = FastAPI(title="ticketflow gateway", lifespan=runtime.lifespan)
    app.state.gateway = ctx
    app.include_router(http.router)
    install_http_basics(app)
    instrument_fastapi(app, tracer)
    return app
