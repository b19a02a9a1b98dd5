"""Every service's OpenAPI, fuzzed in-process by schemathesis: no 500, every response
documented, the declared schemas kept, invalid input (a bool for an integer, a missing
field) refused with a 4xx."""

import os
from collections.abc import Iterator
from typing import Any
from uuid import uuid4

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error, positive_data_acceptance
from schemathesis.python import asgi

from deploy.local.infra import Endpoints
from services.dispatch.bootstrap import create_app as dispatch_app
from services.dispatch.settings import DispatchSettings
from services.gateway.bootstrap import create_app as gateway_app
from services.gateway.settings import GatewaySettings
from services.intake.bootstrap import create_app as intake_app
from services.intake.settings import IntakeSettings
from services.notify.bootstrap import create_app as notify_app
from services.notify.settings import NotifySettings
from services.qc.bootstrap import create_app as qc_app
from services.qc.settings import QcSettings
from services.sla.bootstrap import create_app as sla_app
from services.sla.settings import SlaSettings
from shared.testing.identity import LocalIssuer

pytestmark = [
    pytest.mark.timeout(900),
    # schemathesis' own strategies draw from `random`; nothing this suite can change
    pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisDeprecationWarning"),
]

SERVICES: dict[str, tuple[type[Any], Any]] = {
    "intake": (IntakeSettings, intake_app),
    "dispatch": (DispatchSettings, dispatch_app),
    "sla": (SlaSettings, sla_app),
    "qc": (QcSettings, qc_app),
    "notify": (NotifySettings, notify_app),
    "gateway": (GatewaySettings, gateway_app),
}


@pytest.fixture(scope="session")
def apps(infra: Endpoints, issuer: LocalIssuer) -> Iterator[dict[str, FastAPI]]:
    """One app per service for the whole run; schemathesis starts each one's lifespan on
    first use, on its own event loop, and it is stopped at the end."""
    run = f"api{uuid4().hex[:8]}"
    built = {
        name: create(
            settings_class(
                kafka_bootstrap_servers=infra.kafka_bootstrap,
                mongo_url=infra.mongo_url,
                topic_namespace=run,
                mongo_db=f"{run}_{name}",
                **({"oidc_issuer": issuer.url} if name == "gateway" else {}),
            )
        )
        for name, (settings_class, create) in SERVICES.items()
    }
    yield built
    asgi.shutdown_lifespans()


FUZZ = settings(
    max_examples=int(os.environ.get("TICKETFLOW_FUZZ_EXAMPLES", "20")),
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
MODES = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)


def answers_without_a_bug(ctx: Any, response: Any, case: Any) -> None:
    """No 500 and no other 5xx of its own; the gateway's 502/503 say a service behind it is
    down (nothing listens behind the fuzzed gateway), which is its documented answer."""
    assert response.status_code not in (500, 501), f"{response.status_code}: {response.text}"


def fuzz(operation: Any, edge: bool) -> None:
    """Valid and invalid requests of one operation, every default check on each answer."""
    cases = st.one_of(*(operation.as_strategy(generation_mode=mode) for mode in MODES))

    @FUZZ
    @given(case=cases)
    def run(case: Any) -> None:
        # A schema-valid request may still be refused by what is stored (an unknown tenant,
        # a ticket that does not exist) or by a rule across fields: not a failure.
        if edge:
            case.call_and_validate(
                excluded_checks=[positive_data_acceptance, not_a_server_error],
                additional_checks=[answers_without_a_bug],
            )
        else:
            case.call_and_validate(excluded_checks=[positive_data_acceptance])

    run()


def signed_in(schema: Any, issuer: LocalIssuer) -> None:
    """The gateway answers only a signed-in caller: an admin of one tenant, so its own
    checks are fuzzed, not only the 401 in front of them."""

    @schema.auth()
    class AdminToken:
        def get(self, case: Any, context: Any) -> str:
            return issuer.token("fuzz", ["admin"])

        def set(self, case: Any, data: str, context: Any) -> None:
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


# pytest 9 and schemathesis' own lazy (fixture-based) parametrisation do not agree, so each
# service is one test that walks its operations and reports every one that failed.
@pytest.mark.parametrize("service", SERVICES)
def test_every_operation_answers_as_documented(
    apps: dict[str, FastAPI], service: str, issuer: LocalIssuer
) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", apps[service])
    if service == "gateway":
        signed_in(schema, issuer)
    failed: dict[str, str] = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        try:
            fuzz(operation, edge=service == "gateway")
        except (AssertionError, ExceptionGroup) as error:  # one report names every failure
            failed[operation.label] = f"{type(error).__name__}: {error}"[:3000]
    assert not failed, "\n\n".join(f"{label}\n{why}" for label, why in failed.items())
