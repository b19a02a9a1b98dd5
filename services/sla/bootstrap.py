"""Wires the SLA service: the only place that builds clients, repositories and loops."""

from datetime import timedelta

from fastapi import FastAPI
from opentelemetry.sdk.trace.export import SpanExporter

from services.sla.adapters.holiday_presets import PythonHolidays
from services.sla.adapters.mongo import (
    INDEXES,
    TICKETS,
    MongoDueTimers,
    MongoRecomputeQueue,
    SlaMongoUnitOfWork,
)
from services.sla.app.context import SlaContext
from services.sla.app.preset_refresh import PresetRefresher
from services.sla.app.recompute import RecomputeWorker
from services.sla.app.scheduler import TimerScheduler
from services.sla.entrypoints import http, kafka
from services.sla.settings import SlaSettings
from shared.clock import Clock
from shared.mongo.leases import MongoShardLeases, lease_indexes
from shared.service import ServiceKit

CONSUMER_GROUP = "sla"
TIMER_LEASES = ("scheduler_members", "timer_shards")


def create_app(
    settings: SlaSettings,
    clock: Clock | None = None,
    span_exporter: SpanExporter | None = None,
) -> FastAPI:
    """The service as an ASGI app; its lifespan starts and stops everything it uses."""
    kit = ServiceKit(settings, clock, span_exporter)
    topics, db = kit.topics, kit.db
    new_uow = kit.units_of_work(SlaMongoUnitOfWork, shards=settings.timer_shards)
    queue = MongoRecomputeQueue(db)
    presets = PythonHolidays()
    ctx = SlaContext(new_uow, settings.autoclose_business_days, queue, presets)
    replica = kit.replica
    recompute = RecomputeWorker(new_uow, queue, kit.clock, replica)
    refresher = PresetRefresher(new_uow, presets, settings.calendar_refresh_interval_s)
    leases = MongoShardLeases(
        db, replica, settings.timer_shards, timedelta(seconds=settings.shard_lease_s),
        TIMER_LEASES,
    )  # fmt: skip
    scheduler = TimerScheduler(
        new_uow, MongoDueTimers(db), leases, kit.clock,
        settings.scheduler_poll_interval_s, settings.scheduler_batch_size,
        settings.scheduler_concurrency, kit.metrics.timer_lateness.observe,
    )  # fmt: skip
    # One consumer per topic: a dispatch or qc event retried while its registration is
    # still on its way must not block the intake consumer that brings that registration.
    for topic in (topics.intake_events, topics.dispatch_events, topics.qc_events):
        group = f"{CONSUMER_GROUP}.{topic.rsplit('.', 2)[-2]}"
        kit.subscribe([topic], group, kafka.ticket_events(ctx), batched=True)
    kit.know_tenants(f"{CONSUMER_GROUP}.tenants", ticket_collections=[TICKETS])
    return kit.app(
        context=ctx,
        routers=[http.router],
        indexes={**INDEXES, **lease_indexes(*TIMER_LEASES)},
        produces=[topics.sla_events],
        loops=[scheduler.run, recompute.run, refresher.run],
    )
