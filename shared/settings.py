"""Settings mixins; each service composes its Settings class from them.

Every value comes from the environment with the ``TICKETFLOW_`` prefix
(``TICKETFLOW_KAFKA_BOOTSTRAP_SERVERS`` …), so one process is configured by its env alone.
"""

import uuid
from typing import Literal, Self

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.events.topics import Topics

ENV_PREFIX = "TICKETFLOW_"
WEEK_S = 7 * 24 * 3600


class _Base(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore", frozen=True)


class ServiceSettings(_Base):
    service_name: str
    http_host: str = "127.0.0.1"
    http_port: int = 8000
    log_level: str = "INFO"
    # Who this process is in shard leases (outbox relay, SLA timers). Empty: a random id
    # per process, always safe. A stable id lets a restarted process take its own leases
    # back at once instead of waiting for them to run out; it must then be unique per
    # running process (``make run`` uses the service name: one process each).
    replica_id: str = Field(default="", max_length=100)

    def replica(self) -> str:
        return self.replica_id or f"{self.service_name}-{uuid.uuid4().hex[:8]}"


class KafkaSettings(_Base):
    kafka_bootstrap_servers: str = "127.0.0.1:9092"
    topic_namespace: str = "ticketflow"
    consumer_max_attempts: int = Field(default=5, ge=1)
    consumer_backoff_initial_s: float = Field(default=0.2, ge=0)
    consumer_backoff_max_s: float = Field(default=5.0, ge=0)
    consumer_session_timeout_ms: int = Field(default=10_000, ge=6_000)
    # Batch consumption (where a service turns it on): at most this many records per poll
    # are handled in one transaction; 1 handles each in its own.
    consumer_batch_max_records: int = Field(default=200, ge=1, le=5000)
    # How the topics a service creates are laid out. 1/1 on one local broker; in production
    # 3/2, so that acks=all means two brokers have every event (deploy/docker-compose.yml,
    # deploy/k8s). Topics that already exist are left as they are.
    topic_partitions: int = Field(default=3, ge=1, le=1000)
    topic_replication_factor: int = Field(default=1, ge=1, le=10)
    topic_min_insync_replicas: int = Field(default=1, ge=1, le=10)
    topic_retention_s: int = Field(default=WEEK_S, ge=3600)

    @model_validator(mode="after")
    def _insync_within_replicas(self) -> Self:
        if self.topic_min_insync_replicas > self.topic_replication_factor:
            raise ValueError("topic_min_insync_replicas cannot exceed topic_replication_factor")
        return self

    @property
    def topics(self) -> Topics:
        return Topics(self.topic_namespace)

    def consumer_group(self, name: str) -> str:
        """Consumer groups belong to a namespace like its topics, so that deployments (and
        tests) sharing a broker never join each other's groups. The default namespace keeps
        the bare names its offsets were committed under."""
        if self.topic_namespace == Topics.namespace:
            return name
        return f"{self.topic_namespace}.{name}"


class MongoSettings(_Base):
    mongo_url: str = "mongodb://127.0.0.1:27017/?directConnection=true"
    mongo_db: str
    # A processed-event record must outlive every copy of its event that Kafka may still
    # redeliver, so it is kept longer than the topics' retention (checked below).
    processed_events_ttl_s: int = Field(default=2 * WEEK_S, ge=3600)


class OutboxSettings(_Base):
    outbox_poll_interval_s: float = Field(default=0.5, gt=0)
    outbox_batch_size: int = Field(default=500, ge=1)
    # How long the relay waits after a commit woke it before it claims: commits that follow
    # within it are sent in the same round (a round costs the same few queries for one
    # message or hundreds). Adds at most this much to an event's latency.
    outbox_linger_ms: int = Field(default=20, ge=0, le=1000)
    outbox_lease_s: float = Field(default=30.0, gt=0)
    # Refusals (not transient failures) after which one message is parked, with its error,
    # so that it stops holding back the relay.
    outbox_park_after: int = Field(default=5, ge=1)
    # Readiness fails above these: a backlog means the relay cannot keep up or reach Kafka;
    # parked messages wait for an operator (they are always shown in /health/ready).
    # Health and metrics read the outbox backlog as counted this often in the background.
    outbox_count_interval_s: float = Field(default=5.0, gt=0)
    health_max_outbox_pending: int = Field(default=10_000, ge=0)
    health_max_outbox_parked: int = Field(default=100, ge=0)


class TelemetrySettings(_Base):
    otel_exporter: Literal["none", "console", "otlp", "memory"] = "none"
    otel_endpoint: str = "http://127.0.0.1:4318/v1/traces"


class StandardSettings(
    ServiceSettings, KafkaSettings, MongoSettings, OutboxSettings, TelemetrySettings
):
    """Everything a ticketflow service is configured with; services subclass it with their
    own defaults (service_name, http_port, mongo_db) and their own options."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore", frozen=True)

    @model_validator(mode="after")
    def _dedup_outlives_retention(self) -> Self:
        if self.processed_events_ttl_s <= self.topic_retention_s:
            raise ValueError(
                "processed_events_ttl_s must be longer than topic_retention_s, or a redelivered"
                " event could be processed twice"
            )
        return self
