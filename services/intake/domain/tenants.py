"""The tenant registry: only a provisioned tenant may submit or keep a directory."""

from dataclasses import dataclass
from datetime import datetime

from services.intake.domain.config import TenantConfig
from services.intake.domain.ticket import PRODUCER
from shared.errors import InvalidFields
from shared.events.intake import TenantProvisioned, TenantProvisionedPayload


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

    def provisioned(self, at: datetime) -> TenantProvisioned:
        """What the other services learn the tenant from (they keep no registry of their
        own): announced on every provisioning, so that provisioning a tenant again also
        reaches a service that missed it."""
        payload = TenantProvisionedPayload(tenant_id=self.tenant_id, name=self.name)
        return TenantProvisioned(
            occurred_at=at, producer=PRODUCER, tenant_id=self.tenant_id, payload=payload
        )
