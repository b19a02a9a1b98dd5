"""Pytest plugin (see the root conftest.py): servers once per session, isolation per test.

Tests isolate themselves by a unique topic namespace and database names, never by
restarting servers.
"""

import shutil
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any, TypeVar
from uuid import uuid4

import pytest
from pymongo import AsyncMongoClient, MongoClient

from deploy.local.infra import Endpoints
from deploy.local.keycloak import KeycloakConfig, keycloak_process, keycloak_ready
from deploy.local.ports import free_port
from shared.settings import KafkaSettings, StandardSettings
from shared.testing.identity import LocalIssuer, serving_issuer
from tests.support.infra import servers_for_tests

S = TypeVar("S", bound=StandardSettings)
# Keycloak builds itself on every development-mode start: a minute on two busy cores.
KEYCLOAK_STARTUP_S = 300.0


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests under a tests/integration, tests/e2e or tests/reliability folder are marked so
    by their place; tests/browser ones run services as processes too: e2e and browser."""
    for item in items:
        path = str(item.path)
        for kind in ("integration", "e2e", "reliability"):
            if f"/tests/{kind}/" in path:
                item.add_marker(getattr(pytest.mark, kind))
        if "/tests/browser/" in path:
            item.add_marker(pytest.mark.e2e)
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def infra() -> Iterator[Endpoints]:
    with servers_for_tests() as endpoints:
        yield endpoints


@pytest.fixture(scope="session")
def issuer() -> Iterator[LocalIssuer]:
    """A test OIDC issuer on loopback: the gateway verifies the tokens it signs."""
    with serving_issuer() as test_issuer:
        yield test_issuer


@pytest.fixture(scope="session")
def keycloak(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KeycloakConfig]:
    """The real Keycloak with the demo realm, started on first use (about a minute), empty
    each session. Skipped only where Java is missing."""
    if shutil.which("java") is None:
        pytest.skip("Keycloak runs on Java, which this machine lacks (make deps installs it)")
    config = KeycloakConfig(free_port(), persistent=False)
    process = keycloak_process(config, tmp_path_factory.mktemp("keycloak") / "keycloak.log")
    process.start()
    try:
        process.wait_until(lambda: keycloak_ready(config), KEYCLOAK_STARTUP_S, "Keycloak")
        yield config
    finally:
        process.stop()


@pytest.fixture
def namespace(request: pytest.FixtureRequest) -> Iterator[str]:
    """A unique topic namespace (and database-name and consumer-group prefix) for one test.

    The test's databases are dropped afterwards, whether it passed or not."""
    name = f"t{uuid4().hex[:12]}"
    yield name
    if "infra" in request.fixturenames:
        _drop_databases(request.getfixturevalue("infra"), name)


def _drop_databases(infra: Endpoints, prefix: str) -> None:
    client: MongoClient[dict[str, Any]] = MongoClient(infra.mongo_url)
    try:
        for name in client.list_database_names():
            if name.startswith(prefix):
                client.drop_database(name)
    finally:
        client.close()


@pytest.fixture
def infra_env(infra: Endpoints, namespace: str) -> dict[str, str]:
    """The TICKETFLOW_* settings that point a service at this test's servers and namespace."""
    return {
        "TICKETFLOW_KAFKA_BOOTSTRAP_SERVERS": infra.kafka_bootstrap,
        "TICKETFLOW_MONGO_URL": infra.mongo_url,
        "TICKETFLOW_TOPIC_NAMESPACE": namespace,
        "TICKETFLOW_CONSUMER_SESSION_TIMEOUT_MS": "6000",
        "TICKETFLOW_CONSUMER_BACKOFF_INITIAL_S": "0.05",
        "TICKETFLOW_OUTBOX_POLL_INTERVAL_S": "0.1",
    }


@pytest.fixture(scope="session")
async def mongo_client(infra: Endpoints) -> AsyncIterator[AsyncMongoClient[dict[str, Any]]]:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
        infra.mongo_url, tz_aware=True, uuidRepresentation="standard"
    )
    yield client
    await client.close()


@pytest.fixture
def service_settings(infra: Endpoints, namespace: str) -> Callable[..., Any]:
    """``service_settings(DispatchSettings, **overrides)``: a service's settings pointing at
    this test's servers, namespace and its own database, tuned for quick tests."""

    def make(settings_class: type[S], **overrides: Any) -> S:
        name = settings_class.model_fields["service_name"].default
        values: dict[str, Any] = {
            "kafka_bootstrap_servers": infra.kafka_bootstrap,
            "mongo_url": infra.mongo_url,
            "topic_namespace": namespace,
            "mongo_db": f"{namespace}_{name}",
            "outbox_poll_interval_s": 0.1,
            "consumer_session_timeout_ms": 6000,
            "consumer_backoff_initial_s": 0.05,
        }
        return settings_class(**(values | overrides))

    return make


@pytest.fixture
def kafka_settings(infra: Endpoints, namespace: str) -> KafkaSettings:
    """The kernel's Kafka settings for this test's servers and namespace: quick retries."""
    return KafkaSettings(
        kafka_bootstrap_servers=infra.kafka_bootstrap,
        topic_namespace=namespace,
        consumer_max_attempts=3,
        consumer_backoff_initial_s=0.01,
        consumer_backoff_max_s=0.05,
        consumer_session_timeout_ms=6000,
    )
