"""Wires dispatch: the only place that builds clients, repositories and entrypoints."""

from functools import partial

from fastapi import FastAPI
from opentelemetry.sdk.trace.export import SpanExporter

from services.dispatch.adapters.mongo import INDEXES, DispatchMongoUnitOfWork
from services.dispatch.bootstrap_types import DispatchContext
from services.dispatch.entrypoints import http_admin, http_commands, http_queries, kafka
from services.dispatch.entrypoints.errors import install_error_handlers
from services.dispatch.settings import DispatchSettings
from shared.clock import Clock, SystemClock
from shared.http import install_http_basics
from shared.kafka.broker import create_broker, subscribe
from shared.mongo.client import create_mongo_client
from shared.mongo.indexes import ensure_indexes
from shared.outbox.wiring import create_relay
from shared.runtime import Runtime
from shared.telemetry import create_tracer_provider, instrument_fastapi

CONSUMER_GROUP = "dispatch"


def create_app(
    settings: DispatchSettings,
    clock: Clock | None = None,
    span_exporter: SpanExporter | None = None,
) -> FastAPI:
    """The service as an ASGI app; its lifespan starts and stops everything it uses."""
    clock = clock or SystemClock()
    tracer = create_tracer_provider(settings.service_name, settings, span_exporter)
    topics = settings.topics
    mongo = create_mongo_client(settings, settings.service_name)
    db = mongo[settings.mongo_db]
    relay, publisher = create_relay(settings, settings, db, clock, settings.service_name)
    ctx = DispatchContext(
        new_uow=partial(DispatchMongoUnitOfWork, mongo, db, topics, clock, relay.wake),
        dispatch_centre=settings.dispatch_centre,
        static_rules=settings.assignment_rules,
        urge_threshold=settings.urge_escalation_threshold,
    )
    broker = create_broker(settings, settings.service_name, tracer)
    subscribe(
        broker,
        settings,
        topics=[topics.intake_events],
        group_id=CONSUMER_GROUP,
        handler=kafka.intake_events(ctx),
    )
    subscribe(
        broker,
        settings,
        topics=[topics.sla_events],
        group_id=f"{CONSUMER_GROUP}-sla",
        handler=kafka.sla_events(ctx),
    )
    runtime = Runtime(
        kafka=settings,
        broker=broker,
        mongo=mongo,
        tracer_provider=tracer,
        topics=[
            topics.intake_events,
            topics.sla_events,
            topics.dispatch_events,
            topics.upstream_submissions,
        ],
        on_startup=[partial(ensure_indexes, db, INDEXES), publisher.start],
        on_shutdown=[publisher.stop],
        loops=[relay.run],
    )
    app = FastAPI(title="ticketflow dispatch", lifespan=runtime.lifespan)
    app.state.dispatch = ctx
    for router in (http_commands.router, http_queries.router, http_admin.router):
        app.include_router(router)
    install_http_basics(app)
    install_error_handlers(app)
    instrument_fastapi(app, tracer)
    return app
