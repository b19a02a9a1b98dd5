from pydantic import Field, field_validator

from services.intake.domain.config import TEN_MB, TenantConfig
from services.intake.domain.numbering import InvalidMask, NumberMask
from shared.settings import StandardSettings


class IntakeSettings(StandardSettings):
    service_name: str = "intake"
    http_port: int = 8001
    mongo_db: str = "ticketflow_intake"
    # Defaults of a tenant that has no configuration of its own (PUT /tenants/{id}/config).
    number_mask: str = "{tenant}-{yyyyMMdd}-{seq:6}"
    max_attachment_bytes: int = Field(default=TEN_MB, ge=1)
    # The local calendar the date tokens of ticket numbers follow.
    number_time_zone: str = "Asia/Shanghai"

    @field_validator("number_mask")
    @classmethod
    def _mask_parses(cls, mask: str) -> str:
        try:
            NumberMask(mask)
        except InvalidMask as error:
            raise ValueError(str(error)) from error
        return mask

    def tenant_defaults(self) -> TenantConfig:
        return TenantConfig(
            number_mask=self.number_mask, max_attachment_bytes=self.max_attachment_bytes
        )
