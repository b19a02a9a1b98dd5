"""Admin API of the tenant registry and per-tenant intake configuration (validated here:
a bad mask is a 422)."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response, status
from pydantic import BaseModel, ConfigDict

from services.intake.app import tenants
from services.intake.domain.config import TenantConfig
from services.intake.domain.tenants import Tenant
from services.intake.entrypoints.deps import context
from shared.events.submissions import line

router = APIRouter(tags=["tenants"])
TenantId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]


class TenantBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, line(200)]


class TenantView(BaseModel):
    tenant_id: str
    name: str
    configured: bool


def _view(tenant: Tenant) -> TenantView:
    return TenantView(tenant_id=tenant.tenant_id, name=tenant.name, configured=bool(tenant.config))


@router.put(
    "/tenants/{tenant_id}",
    response_model=TenantView,
    status_code=status.HTTP_201_CREATED,
    responses={200: {"model": TenantView, "description": "Already provisioned: renamed"}},
)
async def provision_tenant(
    tenant_id: TenantId, body: TenantBody, request: Request, response: Response
) -> TenantView:
    """Provision a tenant (201), or rename a provisioned one (200, configuration kept)."""
    cmd = tenants.ProvisionTenant(tenant_id, body.name)
    result = await tenants.provision_tenant(cmd, context(request).new_uow)
    if not result.created:
        response.status_code = status.HTTP_200_OK
    return _view(result.tenant)


@router.get("/tenants", response_model=list[TenantView])
async def list_tenants(
    request: Request,
    after: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[TenantView]:
    """One page in ``tenant_id`` order; pass the last id as ``after`` for the next."""
    return [_view(t) for t in await tenants.list_tenants(after, limit, context(request).new_uow)]


@router.get("/tenants/{tenant_id}", response_model=TenantView)
async def get_tenant(tenant_id: TenantId, request: Request) -> TenantView:
    return _view(await tenants.get_tenant(tenant_id, context(request).new_uow))


@router.put("/tenants/{tenant_id}/config", response_model=TenantConfig)
async def put_config(config: TenantConfig, request: Request, tenant_id: TenantId) -> TenantConfig:
    await tenants.configure_tenant(tenant_id, config, context(request).new_uow)
    return config


@router.get("/tenants/{tenant_id}/config", response_model=TenantConfig)
async def get_config(request: Request, tenant_id: TenantId) -> TenantConfig:
    ctx = context(request)
    return await tenants.config_of(tenant_id, ctx.new_uow, ctx.numbering.defaults)
