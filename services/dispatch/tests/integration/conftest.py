import pytest

from services.dispatch.bootstrap import create_app
from services.dispatch.settings import DispatchSettings
from shared.testing.apps import running


def pytest_collection_modifyitems(items):
    for item in items:
        if "/dispatch/tests/integration/" in str(item.fspath):
            item.add_marker(pytest.mark.integration)


@pytest.fixture
def settings(infra, namespace) -> DispatchSettings:
    return DispatchSettings(
        kafka_bootstrap_servers=infra.kafka_bootstrap,
        mongo_url=infra.mongo_url,
        topic_namespace=namespace,
        mongo_db=f"{namespace}_dispatch",
        outbox_poll_interval_s=0.1,
        consumer_session_timeout_ms=6000,
    )


@pytest.fixture
async def dispatch(settings, mongo_client):
    async with running(create_app(settings)) as client:
        yield client
    await mongo_client.drop_database(settings.mongo_db)
