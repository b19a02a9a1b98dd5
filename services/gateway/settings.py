from pydantic_settings import SettingsConfigDict

from shared.settings import (
    ENV_PREFIX,
    KafkaSettings,
    MongoSettings,
    ServiceSettings,
    TelemetrySettings,
)


class GatewaySettings(ServiceSettings, KafkaSettings, MongoSettings, TelemetrySettings):
    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore", frozen=True)

    service_name: str = "gateway"
    http_port: int = 8000
    mongo_db: str = "ticketflow_gateway"
