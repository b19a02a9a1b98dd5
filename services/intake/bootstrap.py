"""Wires intake: the only place that builds clients, repositories and entrypoints."""

from functools import partial
from zoneinfo import ZoneInfo

from fastapi import FastAPI
from opentelemetry.sdk.trace.export import SpanExporter

from services.intake.adapters.mongo import INDEXES, IntakeMongoUnitOfWork
from services.intake.app.handlers import Numbering
from services.intake.bootstrap_types import IntakeContext
from services.intake.domain.numbering import NumberMask
from services.intake.entrypoints import http
from services.intake.entrypoints.kafka import SubmissionConsumer
from services.intake.settings import IntakeSettings
from shared.clock import Clock, SystemClock
from shared.http import install_http_basics
from shared.kafka.broker import create_broker, subscribe
from shared.mongo.client import create_mongo_client
from shared.mongo.indexes import ensure_indexes
from shared.outbox.wiring import create_relay
from shared.runtime import Runtime
from shared.telemetry import create_tracer_provider, instrument_fastapi

CONSUMER_GROUP = "intake"


def create_app(
    settings: IntakeSettings, clock: Clock | None = None, span_exporter: SpanExporter | None = None
) -> FastAPI:
    """The service as an ASGI app; its lifespan starts and stops everything it uses."""
    clock = clock or SystemClock()
    tracer = create_tracer_provider(settings.service_name, settings, span_exporter)
    topics = settings.topics
    mongo = create_mongo_client(settings, settings.service_name)
    db = mongo[settings.mongo_db]
    relay, publisher = create_relay(settings, settings, db, clock, settings.service_name)
    ctx = IntakeContext(
        new_uow=partial(IntakeMongoUnitOfWork, mongo, db, topics, clock, relay.wake),
        numbering=Numbering(NumberMask(settings.number_mask), ZoneInfo("Asia/Shanghai")),
    )
    broker = create_broker(settings, settings.service_name, tracer)
    subscribe(
        broker,
        settings,
        topics=[topics.upstream_submissions],
        group_id=CONSUMER_GROUP,
        handler=SubmissionConsumer(ctx),
    )
    runtime = Runtime(
        kafka=settings,
        broker=broker,
        mongo=mongo,
        tracer_provider=tracer,
        topics=[topics.upstream_submissions, topics.intake_events],
        on_startup=[partial(ensure_indexes, db, INDEXES), publisher.start],
        on_shutdown=[publisher.stop],
        loops=[relay.run],
    )
    app = FastAPI(title="ticketflow intake", lifespan=runtime.lifespan)
    app.state.intake = ctx
    app.include_router(http.router)
    install_http_basics(app)
    instrument_fastapi(app, tracer)
    return app
