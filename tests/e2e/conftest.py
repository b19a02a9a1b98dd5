import json
from collections.abc import Iterator
from uuid import uuid4

import pytest

from deploy.local.infra import Endpoints
from deploy.local.ports import free_port
from deploy.local.services import SERVICES, service_env, start_services
from shared.testing.identity import LocalIssuer
from shared.testing.tenants import provision_tenant

# Every ticket goes to li.wei unless a test's tenant configures otherwise.
ASSIGNMENT_RULES = json.dumps([{"assignee": "li.wei", "group": "noc"}])


@pytest.fixture(scope="session")
def stack_namespace() -> str:
    return f"e2e{uuid4().hex[:10]}"


@pytest.fixture(scope="session")
def stack(
    infra: Endpoints,
    stack_namespace: str,
    issuer: LocalIssuer,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[dict[str, str]]:
    """intake, dispatch and gateway as real processes, shared by the e2e tests (each
    test uses its own tenant); their base URLs by name."""
    ports = {name: free_port() for name in SERVICES}
    envs = {
        name: service_env(infra, ports[name], stack_namespace, f"{stack_namespace}_{name}")
        | {"TICKETFLOW_CONSUMER_SESSION_TIMEOUT_MS": "6000"}
        for name in SERVICES
    }
    envs["dispatch"] |= {"TICKETFLOW_ASSIGNMENT_RULES": ASSIGNMENT_RULES}
    envs["gateway"] |= {
        "TICKETFLOW_OIDC_ISSUER": issuer.url,
        "TICKETFLOW_INTAKE_URL": f"http://127.0.0.1:{ports['intake']}",
        "TICKETFLOW_DISPATCH_URL": f"http://127.0.0.1:{ports['dispatch']}",
        "TICKETFLOW_QC_URL": f"http://127.0.0.1:{ports['qc']}",
    }
    # No SMTP server in the stack: e-mail deliveries fail visibly ("no email provider").
    envs["notify"] |= {
        "TICKETFLOW_SMTP_HOST": "",
        "TICKETFLOW_SMS_FILE": str(tmp_path_factory.mktemp("notify") / "sms.jsonl"),
    }
    processes = start_services(envs, tmp_path_factory.mktemp("logs"))
    yield {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    for process in reversed(processes):
        process.stop()


@pytest.fixture(autouse=True)
async def provisioned(request: pytest.FixtureRequest, namespace: str) -> None:
    """Each test that uses the stack submits for its own tenant ``namespace``, provisioned
    through intake's admin API as an operator would."""
    if "stack" in request.fixturenames:
        stack = request.getfixturevalue("stack")
        await provision_tenant(stack["intake"], namespace)


@pytest.fixture
def signed_in(issuer: LocalIssuer, namespace: str) -> dict[str, str]:
    """Headers of a supervisor of this test's tenant, for the gateway."""
    return issuer.headers(namespace, ["supervisor"])
