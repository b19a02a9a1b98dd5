"""Admin CRUD of the routing directory: staff, groups, stations, rosters, rules, policies."""

from collections.abc import Mapping
from typing import Any

from services.dispatch.app.ports import NewUnitOfWork
from services.dispatch.domain.errors import Forbidden
from services.dispatch.domain.roles import Role
from shared.errors import NotFound
from shared.events import Actor
from shared.retry import retry_transient


def _admin(actor: Actor) -> None:
    if actor.role != Role.ADMIN:
        raise Forbidden("only an admin may change the routing directory", [Role.ADMIN.value])


async def put(
    new_uow: NewUnitOfWork,
    actor: Actor,
    kind: str,
    tenant_id: str,
    key: str,
    doc: Mapping[str, Any],
) -> dict[str, Any]:
    _admin(actor)

    async def attempt() -> None:
        async with new_uow() as uow:
            await uow.directory.put(kind, tenant_id, key, doc)
            await uow.commit()

    await retry_transient(attempt)
    return {**doc, "key": key}


async def get(new_uow: NewUnitOfWork, kind: str, tenant_id: str, key: str) -> dict[str, Any]:
    async with new_uow() as uow:
        doc = await uow.directory.get(kind, tenant_id, key)
    if doc is None:
        raise NotFound(f"no {kind} {key} for tenant {tenant_id}")
    return doc


async def list_all(new_uow: NewUnitOfWork, kind: str, tenant_id: str) -> list[dict[str, Any]]:
    async with new_uow() as uow:
        return await uow.directory.items(kind, tenant_id)


async def delete(new_uow: NewUnitOfWork, actor: Actor, kind: str, tenant_id: str, key: str) -> None:
    _admin(actor)

    async def attempt() -> bool:
        async with new_uow() as uow:
            deleted = await uow.directory.delete(kind, tenant_id, key)
            await uow.commit()
        return deleted

    if not await retry_transient(attempt):
        raise NotFound(f"no {kind} {key} for tenant {tenant_id}")
