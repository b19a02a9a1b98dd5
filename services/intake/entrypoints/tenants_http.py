"""Admin API for per-tenant intake configuration (validated here: a bad mask is a 422)."""

from fastapi import APIRouter, Path, Request

from services.intake.app.tenants import config_of, configure_tenant
from services.intake.domain.config import TenantConfig
from services.intake.entrypoints.context import context

router = APIRouter(tags=["tenants"])
TenantId = Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")


@router.put("/tenants/{tenant_id}/config", response_model=TenantConfig)
async def put_config(
    config: TenantConfig, request: Request, tenant_id: str = TenantId
) -> TenantConfig:
    await configure_tenant(tenant_id, config, context(request).new_uow)
    return config


@router.get("/tenants/{tenant_id}/config", response_model=TenantConfig)
async def get_config(request: Request, tenant_id: str = TenantId) -> TenantConfig:
    ctx = context(request)
    return await config_of(tenant_id, ctx.new_uow, ctx.numbering.defaults)
