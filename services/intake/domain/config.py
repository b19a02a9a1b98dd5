"""Per-tenant intake configuration, validated when it is set, with defaults when absent."""

from datetime import timedelta
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from services.intake.domain.numbering import InvalidMask, NumberMask
from services.intake.domain.priority import DEFAULT_MATRIX, Matrix
from services.intake.domain.repeat import RepeatRule
from shared.events.vocabulary import Priority, TicketType

DEFAULT_MASK = "{tenant}-{yyyyMMdd}-{seq:6}"
TEN_MB = 10 * 1024 * 1024
MAX_ATTACHMENT_BYTES = 100 * 1024 * 1024  # no tenant may allow more
DEFAULT_CONTENT_TYPES = (
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "application/pdf",
    "application/zip",
    "text/plain",
)

Row = Annotated[list[Priority], Field(min_length=3, max_length=3)]


def _mask_parses(mask: str) -> str:
    try:
        NumberMask(mask)
    except InvalidMask as error:
        raise ValueError(str(error)) from error
    return mask


# A ticket-number mask that parses (tenant configuration and the service's default).
Mask = Annotated[str, AfterValidator(_mask_parses)]


class TenantConfig(BaseModel):
    """What a tenant's admin sets with ``PUT /tenants/{id}/config``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    number_mask: Mask = DEFAULT_MASK
    # Rows are urgency 1..3, columns impact 1..3 (1 = high).
    priority_matrix: Annotated[list[Row], Field(min_length=3, max_length=3)] = Field(
        default_factory=lambda: [[DEFAULT_MATRIX[(u, i)] for i in (1, 2, 3)] for u in (1, 2, 3)]
    )
    # The calendar of the mask's date tokens; the service's default zone when None.
    time_zone: str | None = None
    quarantine_unknown_contacts: bool = False
    repeat_window_minutes: int = Field(default=240, ge=0, le=7 * 24 * 60)
    repeat_types: list[TicketType] = Field(default_factory=lambda: [TicketType.COMPLAINT])
    repeat_same_service: bool = True
    max_attachment_bytes: int = Field(default=TEN_MB, ge=1, le=MAX_ATTACHMENT_BYTES)
    allowed_content_types: list[str] = Field(default_factory=lambda: list(DEFAULT_CONTENT_TYPES))

    @field_validator("time_zone")
    @classmethod
    def _zone_exists(cls, name: str | None) -> str | None:
        if name is not None:
            try:
                ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError) as error:
                raise ValueError(f"unknown time zone {name!r}") from error
        return name

    def zone(self, default: ZoneInfo) -> ZoneInfo:
        return ZoneInfo(self.time_zone) if self.time_zone else default

    @property
    def mask(self) -> NumberMask:
        return NumberMask(self.number_mask)

    @property
    def matrix(self) -> Matrix:
        rows = self.priority_matrix
        return {(u, i): rows[u - 1][i - 1] for u in (1, 2, 3) for i in (1, 2, 3)}

    @property
    def repeat_rule(self) -> RepeatRule:
        window = timedelta(minutes=self.repeat_window_minutes)
        return RepeatRule(window, frozenset(self.repeat_types), self.repeat_same_service)
