"""Settings mixins; each service composes its Settings class from them.

Every value comes from the environment with the ``TICKETFLOW_`` prefix
(``TICKETFLOW_KAFKA_BOOTSTRAP_SERVERS`` …), so one process is configured by its env alone.
"""

from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.events.topics import Topics

ENV_PREFIX = "TICKETFLOW_"


class _Base(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore", frozen=True)


class ServiceSettings(_Base):
    service_name: str
    http_host: str = "127.0.0.1"
    http_port: int = 8000
    log_level: str = "INFO"


class KafkaSettings(_Base):
    kafka_bootstrap_servers: str = "127.0.0.1:9092"
    topic_namespace: str = "ticketflow"
    consumer_max_attempts: int = Field(default=5, ge=1)
    consumer_backoff_initial_s: float = Field(default=0.2, ge=0)
    consumer_backoff_max_s: float = Field(default=5.0, ge=0)
    consumer_session_timeout_ms: int = Field(default=10_000, ge=6_000)

    @property
    def topics(self) -> Topics:
        return Topics(self.topic_namespace)


class MongoSettings(_Base):
    mongo_url: str = "mongodb://127.0.0.1:27017/?directConnection=true"
    mongo_db: str


class OutboxSettings(_Base):
    outbox_poll_interval_s: float = Field(default=0.5, gt=0)
    outbox_batch_size: int = Field(default=500, ge=1)
    outbox_lease_s: float = Field(default=30.0, gt=0)


class TelemetrySettings(_Base):
    otel_exporter: Literal["none", "console", "otlp", "memory"] = "none"
    otel_endpoint: str = "http://127.0.0.1:4318/v1/traces"


class StandardSettings(
    ServiceSettings, KafkaSettings, MongoSettings, OutboxSettings, TelemetrySettings
):
    """Everything a ticketflow service is configured with; services subclass it with their
    own defaults (service_name, http_port, mongo_db) and their own options."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore", frozen=True)
