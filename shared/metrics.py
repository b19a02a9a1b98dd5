"""Prometheus metrics of one service process, served at ``GET /metrics``.

One registry per service kit (never the library's global one), handed to what records:
- ``ticketflow_messages_total{consumer,topic,outcome}``: handled, dead_lettered,
  retried_transient, retried_error;
- ``ticketflow_handler_seconds{consumer,topic}``: how long a handled message took;
- ``ticketflow_consumer_lag{consumer,topic,partition}``: high watermark − position;
- ``ticketflow_outbox_messages{state}``: pending and parked outbox messages;
- ``ticketflow_sla_timer_lateness_seconds``: how late a due SLA timer fired (sla only).
Gauges that are a count somewhere else are read when scraped (the outbox backlog as last
counted in the background, see shared/outbox/backlog.py), not kept in step.
"""

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from fastapi.responses import Response
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.exposition import CONTENT_TYPE_LATEST, generate_latest

from shared.kafka.delivery import InboundMessage
from shared.outbox.backlog import OutboxBacklog

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
Refresh = Callable[[], Awaitable[None]]


class DeliveryMetrics:
    """What :class:`~shared.kafka.delivery.ReliableDelivery` reports, for one consumer."""

    def __init__(self, registry: "ServiceMetrics", consumer: str) -> None:
        self._metrics, self._consumer = registry, consumer

    def handled(self, message: InboundMessage, seconds: float) -> None:
        self._count(message, "handled")
        self._metrics.handler_seconds.labels(self._consumer, message.topic).observe(seconds)

    def retried(self, message: InboundMessage, transient: bool) -> None:
        self._count(message, "retried_transient" if transient else "retried_error")

    def dead_lettered(self, message: InboundMessage) -> None:
        self._count(message, "dead_lettered")

    def _count(self, message: InboundMessage, outcome: str) -> None:
        self._metrics.messages.labels(self._consumer, message.topic, outcome).inc()


@dataclass
class ServiceMetrics:
    registry: CollectorRegistry
    messages: Counter
    handler_seconds: Histogram
    consumer_lag: Gauge
    outbox_messages: Gauge
    timer_lateness: Histogram

    @classmethod
    def create(cls) -> "ServiceMetrics":
        registry = CollectorRegistry()
        return cls(
            registry=registry,
            messages=Counter(
                "ticketflow_messages", "Consumed messages by outcome",
                ["consumer", "topic", "outcome"], registry=registry,
            ),
            handler_seconds=Histogram(
                "ticketflow_handler_seconds", "Time to handle one message",
                ["consumer", "topic"], buckets=LATENCY_BUCKETS, registry=registry,
            ),
            consumer_lag=Gauge(
                "ticketflow_consumer_lag", "Messages not yet consumed",
                ["consumer", "topic", "partition"], registry=registry,
            ),
            outbox_messages=Gauge(
                "ticketflow_outbox_messages", "Outbox messages not sent", ["state"],
                registry=registry,
            ),
            timer_lateness=Histogram(
                "ticketflow_sla_timer_lateness_seconds", "How late a due SLA timer fired",
                buckets=LATENCY_BUCKETS, registry=registry,
            ),
        )  # fmt: skip

    def for_consumer(self, consumer: str) -> DeliveryMetrics:
        return DeliveryMetrics(self, consumer)


async def refresh_outbox(metrics: ServiceMetrics, backlog: OutboxBacklog) -> None:
    """The backlog's last background count: a scrape never counts a large backlog itself."""
    if backlog.last is not None:
        metrics.outbox_messages.labels("pending").set(backlog.last.pending)
        metrics.outbox_messages.labels("parked").set(backlog.last.parked)


async def refresh_consumer_lag(
    metrics: ServiceMetrics, subscribers: Sequence[tuple[str, Any]]
) -> None:
    """High watermark − position of every partition the running consumers hold."""
    metrics.consumer_lag.clear()
    for group_id, subscriber in subscribers:
        consumer = getattr(subscriber, "consumer", None)
        if consumer is None:
            continue
        for tp in consumer.assignment():
            behind = (consumer.highwater(tp) or 0) - await consumer.position(tp)
            metrics.consumer_lag.labels(group_id, tp.topic, str(tp.partition)).set(max(behind, 0))


def install_metrics(app: FastAPI, metrics: ServiceMetrics, refreshes: Sequence[Refresh]) -> None:
    async def scrape() -> Response:
        for refresh in refreshes:
            await refresh()
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    app.add_api_route("/metrics", scrape, methods=["GET"], include_in_schema=False)
