"""What every service's bootstrap builds the same way, so that bootstrap.py holds only the
service's own wiring (its unit of work, subscriptions, routers)."""

from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import Any, TypeVar

from fastapi import APIRouter, FastAPI
from opentelemetry.sdk.trace.export import SpanExporter
from pymongo import IndexModel

from shared import tenant_http, tenants
from shared.asyncapi import declare_published, install_asyncapi
from shared.clock import Clock, SystemClock
from shared.dlq import http as dead_letters_http
from shared.dlq.desk import DeadLetterDesk
from shared.events.intake import TenantProvisioned
from shared.health import Readiness, install_health, loops_alive
from shared.http import ERROR_RESPONSES, install_http_basics
from shared.kafka.broker import create_broker, subscribe
from shared.kafka.delivery import MessageHandler
from shared.kafka.routing import EventRouter
from shared.metrics import (
    Refresh,
    ServiceMetrics,
    install_metrics,
    refresh_consumer_lag,
    refresh_outbox,
)
from shared.mongo.client import create_mongo_client
from shared.mongo.indexes import ensure_indexes
from shared.mongo.outbox_store import MongoOutboxStore
from shared.mongo.tenants import KnownTenantsUnitOfWork
from shared.mongo.unit_of_work import MongoUnitOfWork, TransactionScope
from shared.outbox import http as parked_outbox_http
from shared.outbox.backlog import OutboxBacklog
from shared.outbox.wiring import create_relay
from shared.runtime import BackgroundLoop, Hook, Runtime
from shared.settings import StandardSettings
from shared.swagger import install_docs
from shared.telemetry import create_tracer_provider, instrument_fastapi

U = TypeVar("U", bound=MongoUnitOfWork)
VERSION = "0.1.0"


class ServiceKit:
    """Clock, tracer, Mongo, broker and outbox relay of one service process.

    Nothing connects until the app's lifespan starts: building a kit does no I/O.
    """

    def __init__(
        self,
        settings: StandardSettings,
        clock: Clock | None = None,
        span_exporter: SpanExporter | None = None,
    ) -> None:
        self.settings = settings
        self.clock = clock or SystemClock()
        self.topics = settings.topics
        self.tracer = create_tracer_provider(settings.service_name, settings, span_exporter)
        self.mongo = create_mongo_client(settings, settings.service_name)
        self.db = self.mongo[settings.mongo_db]
        self.broker = create_broker(settings, settings.service_name, self.tracer)
        self.replica = settings.replica()
        self.relay, self._publisher = create_relay(settings, self.db, self.clock, self.replica)
        self.metrics = ServiceMetrics.create()
        self.backlog = OutboxBacklog(
            MongoOutboxStore(self.db), self.clock, settings.outbox_count_interval_s
        )
        self.transactions = TransactionScope(self.mongo, self.db, self.clock, self.relay.wake)
        self._topics: set[str] = set()
        self._group_ids: list[str] = []
        self._subscribers: list[tuple[str, Any]] = []
        self._known_tenants: tenants.NewTenantsUnitOfWork | None = None

    def units_of_work(self, kind: type[U], **extra: Any) -> Callable[[], U]:
        """The service's unit-of-work factory: its transactions publish through the relay,
        and inside a batch (see ``subscribe``) they join the batch's transaction."""
        return partial(
            kind, self.mongo, self.db, self.topics, self.clock, self.relay.wake,
            scope=self.transactions, **extra,
        )  # fmt: skip

    def subscribe(
        self,
        topics: Sequence[str],
        group_id: str,
        handler: MessageHandler,
        *,
        batched: bool = False,
    ) -> None:
        """Consume ``topics`` at least once. ``batched``: each poll's records in one
        transaction; only for handlers whose units of work come from ``units_of_work``
        and that never leave one without committing after a write."""
        group_id = self.settings.consumer_group(group_id)
        subscriber = subscribe(
            self.broker, self.settings, topics=topics, group_id=group_id, handler=handler,
            observer=self.metrics.for_consumer(group_id),
            transactions=self.transactions if batched else None,
            tracer=self.tracer.get_tracer("ticketflow.kafka"),
        )  # fmt: skip
        self._topics.update(topics)
        self._group_ids.append(group_id)
        self._subscribers.append((group_id, subscriber))

    def know_tenants(self, group_id: str, ticket_collections: Sequence[str] = ()) -> None:
        """Keep the tenants intake provisions (``known_tenants``, from its tenant.provisioned
        events, consumed as ``group_id``), for the routes that declare
        ``shared.tenant_http.ProvisionedTenant`` and for ``GET /known-tenants/{id}``.

        ``ticket_collections``: the service's collections of tickets (``tenant_id`` indexed
        first); a tenant with a ticket in one is known even before its event arrives."""
        new_uow = self.units_of_work(KnownTenantsUnitOfWork, ticket_collections=ticket_collections)
        router = EventRouter()
        router.on(TenantProvisioned, partial(tenants.learn_tenant, group_id, new_uow))
        self.subscribe([self.topics.intake_tenants], group_id, router)
        self._known_tenants = new_uow

    def app(
        self,
        *,
        context: Any,
        routers: Sequence[APIRouter],
        indexes: Mapping[str, Sequence[IndexModel]],
        retired_indexes: Mapping[str, Sequence[str]] | None = None,
        produces: Sequence[str] = (),
        loops: Sequence[BackgroundLoop] = (),
        on_shutdown: Sequence[Hook] = (),
    ) -> FastAPI:
        """The ASGI app whose lifespan starts everything; ``context`` (the wired dependencies
        its entrypoints are handed) lands on ``app.state.context``.

        The outbox relay runs only for a service that ``produces`` topics; ``on_shutdown``
        closes what the service built itself (HTTP clients); ``retired_indexes``
        (collection → names) are indexes an earlier version made that are dropped at start.
        """
        relaying = bool(produces)
        ttl = self.settings.processed_events_ttl_s
        startup: list[Hook] = [partial(ensure_indexes, self.db, indexes, ttl, retired_indexes)]
        shutdown: list[Hook] = list(on_shutdown)
        background = list(loops)
        if relaying:
            startup += [
                MongoOutboxStore(self.db).assign_missing_shards,
                self.backlog.count,
                self._publisher.start,
            ]
            shutdown.append(self._publisher.stop)
            background[:0] = [self.relay.run, self.backlog.run]
        runtime = Runtime(
            kafka=self.settings,
            broker=self.broker,
            mongo=self.mongo,
            tracer_provider=self.tracer,
            topics=sorted(self._topics | set(produces)),
            group_ids=self._group_ids,
            on_startup=startup,
            on_shutdown=shutdown,
            loops=background,
        )
        app = FastAPI(
            title=f"ticketflow {self.settings.service_name}",
            lifespan=runtime.lifespan,
            responses=ERROR_RESPONSES,
            docs_url=None,  # install_docs: Swagger UI from local files
        )
        app.state.context = context
        app.state.dead_letters = DeadLetterDesk(
            self.settings.kafka_bootstrap_servers, self.topics, sorted(self._topics),
            self._group_ids,
        )  # fmt: skip
        operator_routers = [dead_letters_http.router]
        if self._known_tenants is not None:
            app.state.known_tenants = self._known_tenants
            operator_routers.append(tenant_http.router)
        if relaying:
            app.state.outbox = MongoOutboxStore(self.db)
            operator_routers.append(parked_outbox_http.router)
        for router in [*routers, *operator_routers]:
            app.include_router(router)
        declare_published(self.broker, self.topics, produces)
        install_asyncapi(app, self.broker, f"ticketflow {self.settings.service_name}", VERSION)
        install_http_basics(app)
        install_docs(app)
        install_health(app, self._readiness(runtime, relaying))
        install_metrics(app, self.metrics, self._metric_refreshes(relaying))
        instrument_fastapi(app, self.tracer)
        return app

    def _readiness(self, runtime: Runtime, relaying: bool) -> Readiness:
        readiness = Readiness()
        readiness.add("mongodb", self._mongo_answers)
        readiness.add("kafka", self._kafka_answers)
        readiness.add("loops", loops_alive(lambda: runtime.tasks))
        if relaying:
            limits = self.settings
            readiness.add(
                "outbox_pending", self.backlog.probe("pending", limits.health_max_outbox_pending)
            )
            readiness.add(
                "outbox_parked", self.backlog.probe("parked", limits.health_max_outbox_parked)
            )
        return readiness

    def _metric_refreshes(self, relaying: bool) -> list[Refresh]:
        refreshes: list[Refresh] = [partial(refresh_consumer_lag, self.metrics, self._subscribers)]
        if relaying:
            refreshes.append(partial(refresh_outbox, self.metrics, self.backlog))
        return refreshes

    async def _mongo_answers(self) -> tuple[bool, object]:
        await self.mongo.admin.command("ping")
        return True, "ok"

    async def _kafka_answers(self) -> tuple[bool, object]:
        ok = await self.broker.ping(timeout=1.5)
        return ok, "ok" if ok else "broker unreachable"
