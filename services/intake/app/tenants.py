"""Per-tenant configuration: set by an admin, read by every registration."""

from services.intake.app.ports import NewUnitOfWork
from services.intake.domain.config import TenantConfig


async def configure_tenant(tenant_id: str, config: TenantConfig, new_uow: NewUnitOfWork) -> None:
    async with new_uow() as uow:
        await uow.tenants.put(tenant_id, config)
        await uow.commit()


async def config_of(tenant_id: str, new_uow: NewUnitOfWork, defaults: TenantConfig) -> TenantConfig:
    """The tenant's configuration, or the service's defaults when it has none."""
    async with new_uow() as uow:
        config = await uow.tenants.get(tenant_id)
    return config or defaults
