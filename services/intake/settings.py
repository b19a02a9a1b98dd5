from pydantic import Field

from services.intake.domain.config import TEN_MB, Mask, TenantConfig
from shared.settings import StandardSettings


class IntakeSettings(StandardSettings):
    service_name: str = "intake"
    http_port: int = 8001
    mongo_db: str = "ticketflow_intake"
    # Defaults of a tenant that has no configuration of its own (PUT /tenants/{id}/config).
    number_mask: Mask = "{tenant}-{yyyyMMdd}-{seq:6}"
    max_attachment_bytes: int = Field(default=TEN_MB, ge=1)
    # The local calendar the date tokens of ticket numbers follow.
    number_time_zone: str = "Asia/Shanghai"

    def tenant_defaults(self) -> TenantConfig:
        return TenantConfig(
            number_mask=self.number_mask, max_attachment_bytes=self.max_attachment_bytes
        )
