"""The tenant registry: only a provisioned tenant may submit or keep a directory."""

from dataclasses import dataclass

from services.intake.domain.config import TenantConfig
from shared.errors import InvalidFields


class UnknownTenant(InvalidFields):
    def __init__(self, tenant_id: str) -> None:
        super().__init__(
            {"tenant_id": f"tenant {tenant_id!r} is not provisioned (PUT /tenants/{tenant_id})"}
        )


@dataclass(frozen=True)
class Tenant:
    tenant_id: str
    name: str
    # None: the service's defaults apply (they follow the service's settings).
    config: TenantConfig | None = None

    def configured(self, config: TenantConfig) -> "Tenant":
        return Tenant(self.tenant_id, self.name, config)

    def renamed(self, name: str) -> "Tenant":
        return Tenant(self.tenant_id, name, self.config)
