"""Wires the QC service: the only place that builds clients, repositories and entrypoints."""

from fastapi import FastAPI
from opentelemetry.sdk.trace.export import SpanExporter

from services.qc.adapters import template_library
from services.qc.adapters.mongo import CASES, INDEXES, QcMongoUnitOfWork
from services.qc.app.context import QcContext
from services.qc.entrypoints import http, http_appeals, kafka
from services.qc.settings import QcSettings
from shared.clock import Clock
from shared.service import ServiceKit

CONSUMER_GROUP = "qc"


def create_app(
    settings: QcSettings, clock: Clock | None = None, span_exporter: SpanExporter | None = None
) -> FastAPI:
    """The service as an ASGI app; its lifespan starts and stops everything it uses."""
    kit = ServiceKit(settings, clock, span_exporter)
    topics = kit.topics
    ctx = QcContext(new_uow=kit.units_of_work(QcMongoUnitOfWork), library=template_library.load())
    kit.subscribe(
        [topics.intake_events, topics.dispatch_events, topics.sla_events],
        CONSUMER_GROUP,
        kafka.ticket_events(ctx),
        batched=True,
    )
    kit.know_tenants(f"{CONSUMER_GROUP}.tenants", ticket_collections=[CASES])
    return kit.app(
        context=ctx,
        routers=[http.router, http_appeals.router],
        indexes=INDEXES,
        produces=[topics.qc_events, topics.upstream_returns, topics.upstream_submissions],
    )
