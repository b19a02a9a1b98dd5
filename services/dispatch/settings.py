from pydantic_settings import SettingsConfigDict

from services.dispatch.domain.assignment import AssignmentRule
from shared.settings import (
    ENV_PREFIX,
    KafkaSettings,
    MongoSettings,
    OutboxSettings,
    ServiceSettings,
    TelemetrySettings,
)


class DispatchSettings(
    ServiceSettings, KafkaSettings, MongoSettings, OutboxSettings, TelemetrySettings
):
    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore", frozen=True)

    service_name: str = "dispatch"
    http_port: int = 8002
    mongo_db: str = "ticketflow_dispatch"
    # JSON in TICKETFLOW_ASSIGNMENT_RULES; first rule whose ticket_type matches wins.
    assignment_rules: tuple[AssignmentRule, ...] = ()
    dispatch_centre: str = "dispatch-centre"
