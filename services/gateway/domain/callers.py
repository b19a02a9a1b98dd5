"""Who calls the gateway, read from a verified token's claims, and which tenant they act in.

Services behind the gateway trust the actor it names, so everything here decides what a
person may see and do: a caller acts only in the tenant their token carries (a platform
admin names one), and a tenant the caller does not belong to does not exist for them.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from shared.errors import Forbidden, InvalidFields, NotFound, Unauthenticated


class Role(StrEnum):
    REQUESTER = "requester"
    AGENT = "agent"
    DISPATCHER = "dispatcher"
    FIELD_ENGINEER = "field_engineer"
    GROUP_LEAD = "group_lead"
    INSPECTOR = "inspector"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"
    # Operates ticketflow itself: no tenant of its own, names the one it acts in.
    PLATFORM_ADMIN = "platform_admin"


Roles = frozenset[Role]

# The role a caller with several acts in towards the services, most powerful first: the
# services take one role per request.
PRECEDENCE: tuple[Role, ...] = (
    Role.ADMIN, Role.SUPERVISOR, Role.GROUP_LEAD, Role.DISPATCHER, Role.INSPECTOR,
    Role.FIELD_ENGINEER, Role.AGENT, Role.REQUESTER,
)  # fmt: skip


@dataclass(frozen=True)
class ClaimNames:
    """Where the identity provider puts what the gateway reads; ``roles`` is a dotted path
    into the token (Keycloak: ``realm_access.roles``)."""

    tenant: str = "tenant"
    roles: str = "realm_access.roles"
    username: str = "preferred_username"
    # The caller's groups (my group, 本组处理: Keycloak's group membership mapper) and
    # regions (本地网: a user attribute); each a list or one string, may be missing.
    groups: str = "groups"
    regions: str = "region"


@dataclass(frozen=True)
class Caller:
    subject: str
    username: str
    tenant_id: str | None
    roles: Roles
    groups: frozenset[str] = frozenset()
    regions: frozenset[str] = frozenset()

    @property
    def is_platform_admin(self) -> bool:
        return Role.PLATFORM_ADMIN in self.roles

    @property
    def acting_role(self) -> Role:
        if self.is_platform_admin:
            return Role.ADMIN
        return next(role for role in PRECEDENCE if role in self.roles)


def caller_from_claims(claims: Mapping[str, Any], names: ClaimNames) -> Caller:
    """The caller a verified token describes; roles the gateway does not know are ignored
    (identity providers add their own, such as ``offline_access``)."""
    roles = frozenset(Role(r) for r in _strings(_at(claims, names.roles)) if r in _ROLE_NAMES)
    if not roles:
        raise Forbidden("the token carries no ticketflow role", _ROLE_NAMES)
    tenant = claims.get(names.tenant)
    if not isinstance(tenant, str) or not tenant.strip():
        tenant = None
    if tenant is None and Role.PLATFORM_ADMIN not in roles:
        raise Unauthenticated(f"the token carries no {names.tenant!r} claim")
    subject = str(claims["sub"])
    username = claims.get(names.username)
    return Caller(
        subject, username if isinstance(username, str) else subject, tenant, roles,
        groups=frozenset(_group_names(_at(claims, names.groups))),
        regions=frozenset(r.strip() for r in _strings(_at(claims, names.regions)) if r.strip()),
    )  # fmt: skip


def _group_names(value: object) -> list[str]:
    """Group names as dispatch knows them: Keycloak's full group path (``/noc``) names a
    top-level group with a leading slash, which is left out."""
    names = (g.strip().removeprefix("/").strip() for g in _strings(value))
    return [name for name in names if name]


def tenant_scope(caller: Caller, requested: str | None) -> str:
    """The tenant a request acts in: the caller's own; naming another is a 404, as if it
    did not exist. A platform admin must name one."""
    if caller.is_platform_admin:
        if requested is None:
            raise InvalidFields({"tenant_id": "a platform admin names the tenant to act in"})
        return requested
    assert caller.tenant_id is not None  # caller_from_claims refuses a tenantless one
    if requested not in (None, caller.tenant_id):
        raise NotFound(f"tenant {requested} not found")
    return caller.tenant_id


def can_see(caller: Caller, tenant_id: str) -> bool:
    return caller.is_platform_admin or caller.tenant_id == tenant_id


def is_staff(caller: Caller) -> bool:
    return caller.is_platform_admin or bool(caller.roles & STAFF)


def can_read(caller: Caller, view: Mapping[str, Any]) -> bool:
    """Staff read their tenant's tickets; a requester (the portal) only those they
    submitted."""
    if not can_see(caller, view["tenant_id"]):
        return False
    return is_staff(caller) or view.get("submitted_by") == caller.username


def require(caller: Caller, allowed: Iterable[Role]) -> None:
    allowed = frozenset(allowed) | {Role.PLATFORM_ADMIN}
    if not caller.roles & allowed:
        raise Forbidden("your roles may not do this", allowed)


def _at(claims: Mapping[str, Any], path: str) -> object:
    value: object = claims
    for part in path.split("."):
        value = value.get(part) if isinstance(value, Mapping) else None
    return value


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


_ROLE_NAMES = frozenset(r.value for r in Role)

# Who may do what at the gateway; the services refine it per command (dispatch answers
# 403 naming the roles a workflow command allows).
STAFF: Roles = frozenset(Role) - {Role.REQUESTER, Role.PLATFORM_ADMIN}
REGISTRARS: Roles = frozenset(
    {Role.REQUESTER, Role.AGENT, Role.DISPATCHER, Role.SUPERVISOR, Role.ADMIN}
)
REPORT_READERS: Roles = frozenset({Role.GROUP_LEAD, Role.INSPECTOR, Role.SUPERVISOR, Role.ADMIN})
