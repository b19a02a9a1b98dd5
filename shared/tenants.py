"""Which tenants a service knows: its projection of intake's ``tenant.provisioned`` events.

Intake's registry is the only place a tenant is provisioned. Every other service that keeps
per-tenant configuration learns the tenants from intake's events (``known_tenants`` in its
own database) and refuses configuration for any other tenant with a 404
(:class:`TenantNotProvisioned`), so that a mistyped tenant id never gets a configuration
nobody will ever use. A tenant whose tickets the service already holds counts as known too:
intake refuses the tickets of unknown tenants, so it was provisioned, perhaps before intake
announced its tenants.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from shared.errors import NotFound
from shared.events.intake import TenantProvisioned
from shared.ports import UnitOfWork
from shared.retry import retry_transient


@dataclass(frozen=True)
class KnownTenant:
    tenant_id: str
    # None: known only from the tickets the service holds, not from intake's event.
    name: str | None = None
    # When intake provisioned or last renamed it: an older event never undoes a newer one.
    provisioned_at: datetime | None = None


class TenantNotProvisioned(NotFound):
    def __init__(self, tenant_id: str) -> None:
        super().__init__(
            f"tenant {tenant_id} is not provisioned (intake's PUT /tenants/{tenant_id}), or "
            "this service has not learned it yet; nothing was changed"
        )
        self.tenant_id = tenant_id


def learned(known: KnownTenant | None, event: TenantProvisioned) -> KnownTenant | None:
    """What the service knows of the tenant after ``event``; None if nothing changes (it
    knows a provisioning at least as recent)."""
    at = known.provisioned_at if known else None
    if at is not None and at >= event.occurred_at:
        return None
    return KnownTenant(event.tenant_id, event.payload.name, event.occurred_at)


class KnownTenantRepository(Protocol):
    async def get(self, tenant_id: str) -> KnownTenant | None:
        """The tenant as intake's events described it; None if no event named it."""
        ...

    async def save(self, tenant: KnownTenant) -> None: ...

    async def holds_tickets_of(self, tenant_id: str) -> bool:
        """Whether the service has any ticket of the tenant."""
        ...


class TenantsUnitOfWork(UnitOfWork, Protocol):
    @property
    def known_tenants(self) -> KnownTenantRepository: ...


NewTenantsUnitOfWork = Callable[[], TenantsUnitOfWork]


async def learn_tenant(
    consumer: str, new_uow: NewTenantsUnitOfWork, event: TenantProvisioned
) -> None:
    """Record the provisioned tenant once per event id; a redelivery changes nothing."""

    async def attempt() -> None:
        async with new_uow() as uow:
            if await uow.already_processed(consumer, event.event_id):
                return
            tenant = learned(await uow.known_tenants.get(event.tenant_id), event)
            if tenant is not None:
                await uow.known_tenants.save(tenant)
            await uow.commit()

    await retry_transient(attempt)


async def known_tenant(tenant_id: str, new_uow: NewTenantsUnitOfWork) -> KnownTenant:
    """The tenant as this service knows it, or :class:`TenantNotProvisioned`."""
    async with new_uow() as uow:
        tenant = await uow.known_tenants.get(tenant_id)
        if tenant is None and await uow.known_tenants.holds_tickets_of(tenant_id):
            tenant = KnownTenant(tenant_id)
    if tenant is None:
        raise TenantNotProvisioned(tenant_id)
    return tenant
