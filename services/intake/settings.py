from pydantic_settings import SettingsConfigDict

from shared.settings import (
    ENV_PREFIX,
    KafkaSettings,
    MongoSettings,
    OutboxSettings,
    ServiceSettings,
    TelemetrySettings,
)


class IntakeSettings(
    ServiceSettings, KafkaSettings, MongoSettings, OutboxSettings, TelemetrySettings
):
    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore", frozen=True)

    service_name: str = "intake"
    http_port: int = 8001
    mongo_db: str = "ticketflow_intake"
    number_mask: str = "{tenant}-{yyyyMMdd}-{seq:6}"
