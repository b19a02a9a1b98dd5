"""Wires dispatch: the only place that builds clients, repositories and entrypoints."""

from fastapi import FastAPI
from opentelemetry.sdk.trace.export import SpanExporter

from services.dispatch.adapters.mongo import INDEXES, DispatchMongoUnitOfWork
from services.dispatch.adapters.work_orders import WORK_ORDERS
from services.dispatch.app.context import DispatchContext
from services.dispatch.app.routing import Routing
from services.dispatch.entrypoints import (
    http_admin,
    http_clusters,
    http_commands,
    http_queries,
    kafka,
)
from services.dispatch.settings import DispatchSettings
from shared.clock import Clock
from shared.service import ServiceKit

CONSUMER_GROUP = "dispatch"


def create_app(
    settings: DispatchSettings,
    clock: Clock | None = None,
    span_exporter: SpanExporter | None = None,
) -> FastAPI:
    """The service as an ASGI app; its lifespan starts and stops everything it uses."""
    kit = ServiceKit(settings, clock, span_exporter)
    topics = kit.topics
    ctx = DispatchContext(
        new_uow=kit.units_of_work(DispatchMongoUnitOfWork),
        routing=Routing(settings.dispatch_centre, settings.assignment_rules),
        urge_threshold=settings.urge_escalation_threshold,
    )
    kit.subscribe([topics.intake_events], CONSUMER_GROUP, kafka.intake_events(ctx), batched=True)
    kit.subscribe([topics.sla_events], f"{CONSUMER_GROUP}-sla", kafka.sla_events(ctx), batched=True)
    kit.know_tenants(f"{CONSUMER_GROUP}.tenants", ticket_collections=[WORK_ORDERS])
    return kit.app(
        context=ctx,
        routers=[
            http_commands.router,
            http_queries.router,
            http_admin.router,
            http_clusters.router,
        ],
        indexes=INDEXES,
        produces=[topics.dispatch_events, topics.upstream_submissions],
    )
