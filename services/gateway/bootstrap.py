"""Wires the gateway: the only place that builds clients, repositories and entrypoints."""

from datetime import timedelta

import httpx
from fastapi import FastAPI
from opentelemetry.sdk.trace.export import SpanExporter

from services.gateway.adapters.mongo import (
    RETIRED_INDEXES,
    GatewayMongoUnitOfWork,
    MongoIdempotencyKeys,
    MongoNotificationFeed,
    MongoTicketFeed,
    indexes,
)
from services.gateway.adapters.oidc import OidcTokenVerifier
from services.gateway.adapters.reports import MongoReports
from services.gateway.adapters.services import HttpServices
from services.gateway.adapters.web_sessions import web_indexes
from services.gateway.app.context import GatewayContext
from services.gateway.app.forwarding import Forwarding
from services.gateway.domain.callers import ClaimNames
from services.gateway.entrypoints import (
    appeals_http,
    commands_http,
    desk_queues_http,
    drafts_http,
    feed_http,
    http,
    kafka,
    me_http,
    notifications_http,
    outages_http,
    qc_http,
    quarantine_http,
    reports_http,
)
from services.gateway.settings import GatewaySettings
from services.gateway.web.wiring import install_dashboard
from shared.clock import Clock
from shared.service import ServiceKit

CONSUMER_GROUP = "gateway"
# Fixed paths before the patterns that would take them: /views/tracked is dispatch's, not
# a read-model view; /tickets/{id}/unlink-parent and …/release are no workflow commands.
ROUTERS = [
    desk_queues_http.router, http.router, outages_http.router, quarantine_http.router,
    me_http.router, commands_http.router,
    qc_http.router, feed_http.router, reports_http.router, notifications_http.router,
    appeals_http.router, drafts_http.router,
]  # fmt: skip


def create_app(
    settings: GatewaySettings, clock: Clock | None = None, span_exporter: SpanExporter | None = None
) -> FastAPI:
    """The service as an ASGI app; its lifespan starts and stops everything it uses."""
    kit = ServiceKit(settings, clock, span_exporter)
    topics = kit.topics
    timeout = httpx.Timeout(settings.service_timeout_s)
    clients = {
        "intake": httpx.AsyncClient(base_url=settings.intake_url, timeout=timeout),
        "dispatch": httpx.AsyncClient(base_url=settings.dispatch_url, timeout=timeout),
        "sla": httpx.AsyncClient(base_url=settings.sla_url, timeout=timeout),
        "qc": httpx.AsyncClient(base_url=settings.qc_url, timeout=timeout),
        "notify": httpx.AsyncClient(base_url=settings.notify_url, timeout=timeout),
        "oidc": httpx.AsyncClient(timeout=timeout),
    }
    ctx = GatewayContext(
        new_uow=kit.units_of_work(GatewayMongoUnitOfWork),
        tokens=OidcTokenVerifier(settings.oidc_issuer, settings.oidc_audience, clients["oidc"]),
        claim_names=ClaimNames(
            settings.oidc_tenant_claim,
            settings.oidc_roles_claim,
            settings.oidc_username_claim,
            groups=settings.oidc_groups_claim,
            regions=settings.oidc_region_claim,
        ),
        forwarding=Forwarding(
            HttpServices(clients),
            MongoIdempotencyKeys(kit.db),
            kit.clock,
            timedelta(seconds=settings.idempotency_stale_after_s),
        ),
        feed=MongoTicketFeed(kit.db),
        notification_feed=MongoNotificationFeed(kit.db),
        reports=MongoReports(kit.db),
    )
    kit.subscribe(
        [
            topics.intake_events,
            topics.dispatch_events,
            topics.sla_events,
            topics.qc_events,
            topics.notify_events,
        ],
        CONSUMER_GROUP,
        kafka.ticket_events(ctx),
        batched=True,
    )
    app = kit.app(
        context=ctx,
        routers=ROUTERS,
        indexes=indexes(settings.idempotency_ttl_s) | web_indexes(),
        retired_indexes=RETIRED_INDEXES,
        on_shutdown=[client.aclose for client in clients.values()],
    )
    if settings.dashboard:
        install_dashboard(app, settings, ctx, kit.clock, kit.db, clients["oidc"])
    return app
