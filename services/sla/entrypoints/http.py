"""The SLA service's HTTP API: calendars, policies, and each ticket's SLA timeline."""

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Request

from services.sla.app import admin, handlers
from services.sla.entrypoints.deps import context
from services.sla.entrypoints.schemas import (
    CalendarBody,
    HolidayList,
    PolicyList,
    Recomputed,
    SettingsBody,
    calendar_view,
)
from shared.errors import NotFound
from shared.tenant_http import NOT_PROVISIONED, ProvisionedTenant

router = APIRouter()


@router.get("/tickets/{ticket_id}/sla")
async def ticket_sla(ticket_id: str, request: Request) -> dict[str, Any]:
    """Every clock with its policy, target, due instant, elapsed/remaining, pauses, firings."""
    return asdict(await handlers.get_timeline(ticket_id, context(request).new_uow))


@router.get("/tenants/{tenant_id}/calendar")
async def get_calendar(tenant_id: str, request: Request) -> dict[str, Any]:
    calendar, own = await admin.get_calendar(tenant_id, context(request).new_uow)
    return calendar_view(calendar, own)


@router.put("/tenants/{tenant_id}/calendar", responses=NOT_PROVISIONED)
async def put_calendar(
    tenant_id: ProvisionedTenant, body: CalendarBody, request: Request
) -> Recomputed:
    ctx = context(request)
    count = await admin.put_calendar(
        tenant_id, body.to_calendar(), ctx.new_uow, ctx.holiday_presets
    )
    return Recomputed(open_tickets=count)


@router.delete("/tenants/{tenant_id}/calendar", responses=NOT_PROVISIONED)
async def delete_calendar(tenant_id: ProvisionedTenant, request: Request) -> Recomputed:
    count = await admin.delete_calendar(tenant_id, context(request).new_uow)
    return Recomputed(open_tickets=count)


@router.post("/tenants/{tenant_id}/calendar/holidays", responses=NOT_PROVISIONED)
async def import_holidays(
    tenant_id: ProvisionedTenant, body: HolidayList, request: Request
) -> dict[str, Any]:
    calendar = await admin.import_holidays(
        tenant_id, body.holiday_dates(), body.extra_days(), body.replace, context(request).new_uow
    )
    return calendar_view(calendar, True)


@router.get("/tenants/{tenant_id}/recompute")
async def recompute_status(tenant_id: str, request: Request) -> dict[str, Any]:
    """The last change's retargeting: its generation, whether it is still running, and how
    many tickets it has retargeted."""
    status = await context(request).recompute_queue.status(tenant_id)
    if status is None:
        raise NotFound(f"tenant {tenant_id} never changed its calendar or policies")
    return status


@router.get("/tenants/{tenant_id}/settings")
async def get_settings(tenant_id: str, request: Request) -> dict[str, Any]:
    settings, own = await admin.get_settings(tenant_id, context(request).new_uow)
    return {"own": own, "approval_time_counts": settings.approval_time_counts}


@router.put("/tenants/{tenant_id}/settings", responses=NOT_PROVISIONED)
async def put_settings(
    tenant_id: ProvisionedTenant, body: SettingsBody, request: Request
) -> Recomputed:
    """``approval_time_counts`` false: pending_approval pauses the resolution clock."""
    count = await admin.put_settings(tenant_id, body.to_settings(), context(request).new_uow)
    return Recomputed(open_tickets=count)


@router.get("/tenants/{tenant_id}/policies")
async def get_policies(tenant_id: str, request: Request) -> dict[str, Any]:
    policies, own = await admin.get_policies(tenant_id, context(request).new_uow)
    return {"own": own, "policies": [p.as_plain() for p in policies]}


@router.put("/tenants/{tenant_id}/policies", responses=NOT_PROVISIONED)
async def put_policies(
    tenant_id: ProvisionedTenant, body: PolicyList, request: Request
) -> Recomputed:
    policies = [p.to_policy() for p in body.policies]
    count = await admin.put_policies(tenant_id, policies, context(request).new_uow)
    return Recomputed(open_tickets=count)


@router.delete("/tenants/{tenant_id}/policies", responses=NOT_PROVISIONED)
async def delete_policies(tenant_id: ProvisionedTenant, request: Request) -> Recomputed:
    count = await admin.delete_policies(tenant_id, context(request).new_uow)
    return Recomputed(open_tickets=count)
