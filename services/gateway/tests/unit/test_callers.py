"""Who a token says the caller is, which tenant they act in, what they may do."""

import pytest

from services.gateway.domain.callers import (
    STAFF,
    Caller,
    ClaimNames,
    Role,
    caller_from_claims,
    require,
    tenant_scope,
)
from shared.errors import Forbidden, InvalidFields, NotFound, Unauthenticated

NAMES = ClaimNames()


def claims(roles, tenant="acme", **extra):
    return {"sub": "u-1", "preferred_username": "li.wei", "tenant": tenant,
            "realm_access": {"roles": roles}} | extra  # fmt: skip


def caller(*roles: Role, tenant: str | None = "acme") -> Caller:
    return Caller("u-1", "li.wei", tenant, frozenset(roles))


def test_a_caller_has_the_tokens_ticketflow_roles_and_tenant_and_ignores_the_rest():
    found = caller_from_claims(claims(["dispatcher", "offline_access", "uma_authorization"]), NAMES)

    assert found == Caller("u-1", "li.wei", "acme", frozenset({Role.DISPATCHER}))


def test_claim_names_are_settings_and_roles_may_be_a_dotted_path_or_a_string():
    names = ClaimNames(tenant="org", roles="resource_access.ticketflow.roles", username="email")
    token = {"sub": "u-2", "org": "post", "email": "a@post.example",
             "resource_access": {"ticketflow": {"roles": "inspector"}}}  # fmt: skip

    assert caller_from_claims(token, names) == Caller(
        "u-2", "a@post.example", "post", frozenset({Role.INSPECTOR})
    )


def test_without_a_username_claim_the_subject_names_the_caller():
    token = claims(["agent"])
    del token["preferred_username"]

    assert caller_from_claims(token, NAMES).username == "u-1"


def test_a_token_without_any_ticketflow_role_is_forbidden_naming_the_roles():
    with pytest.raises(Forbidden) as refused:
        caller_from_claims(claims(["offline_access"]), NAMES)

    assert "supervisor" in refused.value.allowed_roles
    assert refused.value.status_code == 403


@pytest.mark.parametrize("tenant", [None, "", "  ", 7, ["acme"]])
def test_a_token_without_a_usable_tenant_is_refused_unless_a_platform_admins(tenant):
    with pytest.raises(Unauthenticated) as refused:
        caller_from_claims(claims(["supervisor"], tenant=tenant), NAMES)
    admin = caller_from_claims(claims(["platform_admin"], tenant=tenant), NAMES)

    assert "tenant" in refused.value.message
    assert "WWW-Authenticate" in (refused.value.headers or {})
    assert admin.tenant_id is None
    assert admin.is_platform_admin


def test_a_caller_with_several_roles_acts_in_the_most_powerful_one():
    assert caller(Role.FIELD_ENGINEER, Role.GROUP_LEAD).acting_role is Role.GROUP_LEAD
    assert caller(Role.REQUESTER, Role.AGENT).acting_role is Role.AGENT
    assert caller(Role.PLATFORM_ADMIN, tenant=None).acting_role is Role.ADMIN


def test_a_caller_acts_in_their_own_tenant_and_another_does_not_exist_for_them():
    agent = caller(Role.AGENT)

    assert tenant_scope(agent, None) == "acme"
    assert tenant_scope(agent, "acme") == "acme"
    with pytest.raises(NotFound, match="tenant globex not found"):
        tenant_scope(agent, "globex")


def test_a_platform_admin_names_the_tenant_to_act_in():
    admin = caller(Role.PLATFORM_ADMIN, tenant=None)

    assert tenant_scope(admin, "globex") == "globex"
    with pytest.raises(InvalidFields) as refused:
        tenant_scope(admin, None)
    assert set(refused.value.errors) == {"tenant_id"}


def test_a_role_outside_the_allowed_ones_is_forbidden_naming_who_may():
    require(caller(Role.INSPECTOR), STAFF)
    require(caller(Role.PLATFORM_ADMIN, tenant=None), STAFF)
    with pytest.raises(Forbidden) as refused:
        require(caller(Role.REQUESTER), STAFF)

    assert "requester" not in refused.value.allowed_roles
    assert {"agent", "platform_admin", "supervisor"} <= set(refused.value.allowed_roles)


def test_groups_and_regions_come_from_their_claims_when_the_token_has_them():
    token = claims(["group_lead"], groups=["/noc", "field", " ", 3], region="chaoyang")
    found = caller_from_claims(token, NAMES)

    assert found.groups == {"noc", "field"}
    assert found.regions == {"chaoyang"}
    assert caller_from_claims(claims(["agent"]), NAMES).groups == frozenset()
    named = ClaimNames(groups="ticketflow.groups", regions="districts")
    other = claims(["agent"], ticketflow={"groups": "noc"}, districts=["a", "b"])
    assert (caller_from_claims(other, named).groups, caller_from_claims(other, named).regions) == (
        {"noc"}, {"a", "b"},
    )  # fmt: skip
