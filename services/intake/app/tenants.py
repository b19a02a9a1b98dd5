"""The tenant registry and per-tenant configuration, set by an admin, read by every
registration."""

from dataclasses import dataclass

from services.intake.app.ports import IntakeUnitOfWork, NewUnitOfWork
from services.intake.domain.config import TenantConfig
from services.intake.domain.tenants import Tenant, UnknownTenant
from shared.errors import NotFound
from shared.retry import retry_transient


@dataclass(frozen=True)
class ProvisionTenant:
    tenant_id: str
    name: str


@dataclass(frozen=True)
class Provisioned:
    tenant: Tenant
    created: bool


async def provision_tenant(cmd: ProvisionTenant, new_uow: NewUnitOfWork) -> Provisioned:
    """Create the tenant, or rename it; its configuration is kept. The other services hear
    of it from the tenant.provisioned event committed with it."""

    async def provision() -> Provisioned:
        async with new_uow() as uow:
            known = await uow.tenants.get(cmd.tenant_id)
            tenant = known.renamed(cmd.name) if known else Tenant(cmd.tenant_id, cmd.name)
            await uow.tenants.save(tenant)
            uow.publish(tenant.provisioned(uow.now()))
            await uow.commit()
        return Provisioned(tenant, created=known is None)

    return await retry_transient(provision)


async def get_tenant(tenant_id: str, new_uow: NewUnitOfWork) -> Tenant:
    async with new_uow() as uow:
        tenant = await uow.tenants.get(tenant_id)
    if tenant is None:
        raise NotFound(f"tenant {tenant_id} is not provisioned")
    return tenant


async def list_tenants(after: str | None, limit: int, new_uow: NewUnitOfWork) -> list[Tenant]:
    async with new_uow() as uow:
        return await uow.tenants.page(after, limit)


async def configure_tenant(tenant_id: str, config: TenantConfig, new_uow: NewUnitOfWork) -> None:
    async with new_uow() as uow:
        tenant = await uow.tenants.get(tenant_id)
        if tenant is None:
            raise NotFound(f"tenant {tenant_id} is not provisioned (PUT /tenants/{tenant_id})")
        await uow.tenants.save(tenant.configured(config))
        await uow.commit()


async def config_of(tenant_id: str, new_uow: NewUnitOfWork, defaults: TenantConfig) -> TenantConfig:
    """The tenant's configuration, or the service's defaults when it has none."""
    return (await get_tenant(tenant_id, new_uow)).config or defaults


async def config_for(
    tenant_id: str, new_uow: NewUnitOfWork, defaults: TenantConfig
) -> TenantConfig:
    """What applies to a submission of the tenant; a 422 naming ``tenant_id`` if unknown."""
    async with new_uow() as uow:
        return (await require_tenant(uow, tenant_id)).config or defaults


async def require_tenant(uow: IntakeUnitOfWork, tenant_id: str) -> Tenant:
    """The tenant, inside the caller's unit of work; a 422 naming ``tenant_id`` if unknown."""
    tenant = await uow.tenants.get(tenant_id)
    if tenant is None:
        raise UnknownTenant(tenant_id)
    return tenant
