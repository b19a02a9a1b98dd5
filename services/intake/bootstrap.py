"""Wires intake: the only place that builds clients, repositories and entrypoints."""

from zoneinfo import ZoneInfo

from fastapi import FastAPI
from opentelemetry.sdk.trace.export import SpanExporter

from services.intake.adapters.attachments import GridFsBlobs
from services.intake.adapters.mongo import INDEXES, IntakeMongoUnitOfWork
from services.intake.app.context import IntakeContext
from services.intake.app.handlers import Numbering
from services.intake.entrypoints import (
    attachments_http,
    customers_http,
    drafts_http,
    http,
    kafka,
    tenants_http,
)
from services.intake.settings import IntakeSettings
from shared.clock import Clock
from shared.service import ServiceKit

CONSUMER_GROUP = "intake"


def create_app(
    settings: IntakeSettings, clock: Clock | None = None, span_exporter: SpanExporter | None = None
) -> FastAPI:
    """The service as an ASGI app; its lifespan starts and stops everything it uses."""
    kit = ServiceKit(settings, clock, span_exporter)
    topics = kit.topics
    ctx = IntakeContext(
        new_uow=kit.units_of_work(IntakeMongoUnitOfWork),
        numbering=Numbering(ZoneInfo(settings.number_time_zone), settings.tenant_defaults()),
        blobs=GridFsBlobs(kit.db),
    )
    # One consumer group per input, so a slow one never holds the others back.
    kit.subscribe(
        [topics.upstream_submissions], CONSUMER_GROUP, kafka.SubmissionConsumer(ctx), batched=True
    )
    kit.subscribe(
        [topics.upstream_customers], f"{CONSUMER_GROUP}.customers", kafka.CustomerConsumer(ctx)
    )
    kit.subscribe(
        [topics.dispatch_events],
        f"{CONSUMER_GROUP}.closures",
        kafka.dispatch_events(ctx),
        batched=True,
    )
    routers = [
        m.router for m in (http, attachments_http, customers_http, tenants_http, drafts_http)
    ]
    return kit.app(
        context=ctx,
        routers=routers,
        indexes=INDEXES,
        produces=[topics.intake_events, topics.intake_tenants],
    )
