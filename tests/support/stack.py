"""Every service as a process for the end-to-end and browser tests: one place that says
how they are wired to each other, to the infrastructure and to the test issuer."""

import json
from pathlib import Path

from deploy.local.infra import Endpoints
from deploy.local.ports import free_port
from deploy.local.services import SERVICES
from deploy.local.services import service_env as one_service_env

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
