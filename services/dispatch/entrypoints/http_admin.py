"""Admin CRUD of staff, groups, stations, on-duty rosters, routing rules and policies."""

from typing import Any

from fastapi import APIRouter, Response
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from services.dispatch.adapters.directory import (
    APPROVAL_RULES,
    CLUSTER_RULE,
    GROUPS,
    POLICIES,
    ROSTERS,
    RULES,
    STAFF,
    STATIONS,
    WORKFLOW_POLICY,
)
from services.dispatch.app import admin
from services.dispatch.domain.approval import ApprovalRule
from services.dispatch.domain.routing_rules import RoutingRule
from services.dispatch.entrypoints import admin_schemas
from services.dispatch.entrypoints.deps import Ctx, Who
from shared.errors import RequestError
from shared.tenant_http import NOT_PROVISIONED, ProvisionedTenant

router = APIRouter(prefix="/admin/tenants/{tenant_id}", tags=["admin"])
Doc = dict[str, Any]
BODIES: dict[str, type[admin_schemas.Item]] = {
    STAFF: admin_schemas.StaffBody,
    GROUPS: admin_schemas.GroupBody,
    STATIONS: admin_schemas.StationBody,
    ROSTERS: admin_schemas.RosterBody,
    RULES: admin_schemas.RuleBody,
    APPROVAL_RULES: admin_schemas.ApprovalRuleBody,
}
PATHS = {
    "staff": STAFF,
    "groups": GROUPS,
    "stations": STATIONS,
    "rosters": ROSTERS,
    "routing-rules": RULES,
    "approval-rules": APPROVAL_RULES,
}


def _kind(path: str) -> str:
    if path not in PATHS:
        raise RequestError(f"unknown directory {path!r}; one of {sorted(PATHS)}")
    return PATHS[path]


def _validated(kind: str, key: str, body: Doc) -> Doc:
    try:
        item = BODIES[kind].model_validate(body)
        if isinstance(item, admin_schemas.RuleBody):
            RoutingRule(rule_id=key, **item.model_dump())  # a rule must route somewhere
        if isinstance(item, admin_schemas.ApprovalRuleBody):
            ApprovalRule(rule_id=key, **item.model_dump())  # approvers must be staff roles
    except ValidationError as error:
        raise RequestValidationError(error.errors()) from error
    return item.document()


@router.put("/policy", responses=NOT_PROVISIONED)
async def put_policy(
    tenant_id: ProvisionedTenant, body: admin_schemas.PolicyBody, ctx: Ctx, who: Who
) -> Doc:
    return await admin.put(ctx.new_uow, who, POLICIES, tenant_id, WORKFLOW_POLICY, body.document())


@router.get("/policy")
async def get_policy(tenant_id: str, ctx: Ctx) -> Doc:
    return await admin.get(ctx.new_uow, POLICIES, tenant_id, WORKFLOW_POLICY)


@router.put("/cluster-rule", responses=NOT_PROVISIONED)
async def put_cluster_rule(
    tenant_id: ProvisionedTenant, body: admin_schemas.ClusterRuleBody, ctx: Ctx, who: Who
) -> Doc:
    return await admin.put(ctx.new_uow, who, POLICIES, tenant_id, CLUSTER_RULE, body.document())


@router.get("/cluster-rule")
async def get_cluster_rule(tenant_id: str, ctx: Ctx) -> Doc:
    return await admin.get(ctx.new_uow, POLICIES, tenant_id, CLUSTER_RULE)


@router.put("/{directory}/{key}", responses=NOT_PROVISIONED)
async def put_item(
    tenant_id: ProvisionedTenant, directory: str, key: str, body: Doc, ctx: Ctx, who: Who
) -> Doc:
    kind = _kind(directory)
    return await admin.put(ctx.new_uow, who, kind, tenant_id, key, _validated(kind, key, body))


@router.get("/{directory}")
async def list_items(tenant_id: str, directory: str, ctx: Ctx) -> list[Doc]:
    return await admin.list_all(ctx.new_uow, _kind(directory), tenant_id)


@router.get("/{directory}/{key}")
async def get_item(tenant_id: str, directory: str, key: str, ctx: Ctx) -> Doc:
    return await admin.get(ctx.new_uow, _kind(directory), tenant_id, key)


@router.delete("/{directory}/{key}", status_code=204, responses=NOT_PROVISIONED)
async def delete_item(
    tenant_id: ProvisionedTenant, directory: str, key: str, ctx: Ctx, who: Who
) -> Response:
    await admin.delete(ctx.new_uow, who, _kind(directory), tenant_id, key)
    return Response(status_code=204)
