"""Pytest plugin (see the root conftest.py): servers once per session, isolation per test.

Tests isolate themselves by a unique topic namespace and database names, never by
restarting servers.
"""

from collections.abc import AsyncIterator, Iterator
from typing import Any
from uuid import uuid4

import pytest
from pymongo import AsyncMongoClient

from deploy.local.infra import Endpoints
from shared.testing.infra import servers_for_tests


@pytest.fixture(scope="session")
def infra() -> Iterator[Endpoints]:
    with servers_for_tests() as endpoints:
        yield endpoints


@pytest.fixture
def namespace() -> str:
    """A unique topic namespace (and database-name prefix) for one test."""
    return f"t{uuid4().hex[:12]}"


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
