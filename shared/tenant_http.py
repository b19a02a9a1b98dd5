"""The HTTP edge of a service's known tenants (see :mod:`shared.tenants`).

A tenant-scoped write route declares its ``tenant_id`` as :data:`ProvisionedTenant` and
documents :data:`NOT_PROVISIONED`: an unknown tenant is a 404 before the route does
anything. ``GET /known-tenants/{tenant_id}`` says whether the service knows the tenant
yet, so that an operator (or a test) can wait until a provisioning has reached it.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel

from shared import tenants
from shared.http import refusal

NOT_PROVISIONED: dict[int | str, dict[str, Any]] = {
    404: refusal(
        "No such resource, or the tenant is not provisioned (at intake) or not yet known to "
        "this service; nothing was changed"
    )
}


def known_tenants_uow(request: Request) -> tenants.NewTenantsUnitOfWork:
    """The service's known-tenants unit of work, set by ``ServiceKit.know_tenants``."""
    new_uow: tenants.NewTenantsUnitOfWork | None = getattr(request.app.state, "known_tenants", None)
    if new_uow is None:
        raise RuntimeError("a route needs known tenants, but ServiceKit.know_tenants was not wired")
    return new_uow


NewUow = Annotated[tenants.NewTenantsUnitOfWork, Depends(known_tenants_uow)]


async def provisioned_tenant(tenant_id: str, new_uow: NewUow) -> str:
    """The path's ``tenant_id``, once the service knows the tenant; else a 404."""
    await tenants.known_tenant(tenant_id, new_uow)
    return tenant_id


ProvisionedTenant = Annotated[str, Depends(provisioned_tenant)]


class KnownTenantView(BaseModel):
    tenant_id: str
    # None when the service knows the tenant only from its tickets.
    name: str | None


router = APIRouter(tags=["tenants"])


@router.get("/known-tenants/{tenant_id}", response_model=KnownTenantView, responses=NOT_PROVISIONED)
async def known_tenant(tenant_id: str, new_uow: NewUow) -> KnownTenantView:
    """200 once this service knows the tenant (intake provisioned it and the event
    arrived), 404 until then."""
    tenant = await tenants.known_tenant(tenant_id, new_uow)
    return KnownTenantView(tenant_id=tenant.tenant_id, name=tenant.name)
