"""Every service as a process for the end-to-end and browser tests: one place that says
how they are wired to each other, to the infrastructure and to the test issuer."""

import json
from pathlib import Path

import httpx

from deploy.local.infra import Endpoints
from deploy.local.ports import free_port
from deploy.local.services import SERVICES
from deploy.local.services import service_env as one_service_env
from shared.testing.tenants import until_known_blocking

# Every ticket goes to li.wei unless a test's tenant configures otherwise.
ASSIGNMENT_RULES = json.dumps([{"assignee": "li.wei", "group": "noc"}])


def stack_ports() -> dict[str, int]:
    return {name: free_port() for name in SERVICES}


def stack_envs(
    infra: Endpoints, namespace: str, issuer_url: str, ports: dict[str, int], notify_dir: Path
) -> dict[str, dict[str, str]]:
    """Each service's environment: its own database and the stack's topics; the gateway
    trusts ``issuer_url`` and forwards to the others; notify writes its SMS to
    ``notify_dir`` and has no SMTP server (e-mail deliveries fail visibly)."""
    envs = {
        name: one_service_env(infra, ports[name], namespace, f"{namespace}_{name}")
        | {"TICKETFLOW_CONSUMER_SESSION_TIMEOUT_MS": "6000"}
        for name in SERVICES
    }
    envs["dispatch"] |= {"TICKETFLOW_ASSIGNMENT_RULES": ASSIGNMENT_RULES}
    envs["gateway"] |= {"TICKETFLOW_OIDC_ISSUER": issuer_url} | {
        f"TICKETFLOW_{name.upper()}_URL": f"http://127.0.0.1:{ports[name]}"
        for name in ("intake", "dispatch", "sla", "qc", "notify")
    }
    envs["notify"] |= {
        "TICKETFLOW_SMTP_HOST": "",
        "TICKETFLOW_SMS_FILE": str(notify_dir / "sms.jsonl"),
    }
    return envs


def stack_urls(ports: dict[str, int]) -> dict[str, str]:
    return {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}


# The services that refuse per-tenant configuration until intake's tenant.provisioned has
# reached them.
KNOWING_TENANTS = ("dispatch", "sla", "qc", "notify")


def knowing_tenants(urls: dict[str, str]) -> list[str]:
    """The base URLs of the stack's services that keep known tenants."""
    return [urls[name] for name in KNOWING_TENANTS]


# The demo realm's tenants (deploy/local/keycloak/realm-ticketflow.json): its users carry a
# fixed ``tenant`` claim, so a stack that Keycloak's users sign in to has these tenants.
REALM_TENANTS = {"demo": "Demo Service Desk", "demo-postal": "Demo Post Office"}
# Dispatch's directory for them, named like the realm's groups: who is in which group (and
# on duty), and where each tenant's tickets go — as make run's demo routes them.
REALM_STAFF = {
    "demo": {
        "li.wei": "network-ops", "field-engineer.demo": "network-ops",
        "dispatcher.demo": "network-ops", "group-lead.demo": "network-ops",
        "zhang.min": "complaints", "agent.demo": "complaints", "inspector.demo": "complaints",
    },
    "demo-postal": {
        "field-engineer.demo-postal": "delivery", "group-lead.demo-postal": "delivery",
        "dispatcher.demo-postal": "counter", "agent.demo-postal": "counter",
    },
}  # fmt: skip
REALM_RULES = {
    "demo": {
        "incidents": {"order": 1, "ticket_type": "incident", "assignee": "li.wei",
                      "group": "network-ops"},
        "complaints": {"order": 2, "ticket_type": "complaint", "assignee": "zhang.min",
                       "group": "complaints"},
    },
    "demo-postal": {
        "everything": {"order": 1, "assignee": "field-engineer.demo-postal", "group": "delivery"},
    },
}  # fmt: skip
ADMIN = {"X-Actor-Id": "tests-admin", "X-Actor-Role": "admin"}


def provision_realm_tenants(urls: dict[str, str]) -> None:
    """The realm's tenants at intake (its tenant admin API) and, once the other services
    know them, their groups, staff, rosters and routing rules in dispatch (its admin API),
    as an operator would. Every call is a PUT: provisioning again (another test, another
    run) changes nothing."""
    with httpx.Client(base_url=urls["intake"], timeout=30) as intake:
        for tenant, name in REALM_TENANTS.items():
            intake.put(f"/tenants/{tenant}", json={"name": name}).raise_for_status()
    for tenant in REALM_TENANTS:
        for url in knowing_tenants(urls):
            until_known_blocking(url, tenant)
    with httpx.Client(base_url=urls["dispatch"], timeout=30, headers=ADMIN) as dispatch:
        for tenant, staff in REALM_STAFF.items():
            admin = f"/admin/tenants/{tenant}"
            groups: dict[str, list[str]] = {}
            for person, group in staff.items():
                groups.setdefault(group, []).append(person)
            for group, members in groups.items():
                dispatch.put(f"{admin}/groups/{group}", json={"name": group}).raise_for_status()
                roster = {"on_duty": members}
                dispatch.put(f"{admin}/rosters/{group}", json=roster).raise_for_status()
            for person, group in staff.items():
                listed = {"name": person, "groups": [group]}
                dispatch.put(f"{admin}/staff/{person}", json=listed).raise_for_status()
            for key, rule in REALM_RULES[tenant].items():
                dispatch.put(f"{admin}/routing-rules/{key}", json=rule).raise_for_status()
