import pytest

from services.dispatch.bootstrap import create_app
from services.dispatch.settings import DispatchSettings
from shared.testing.apps import running
from shared.testing.tenants import make_known

# The tenants dispatch's tests configure, known to it as if intake had provisioned them.
TENANTS = ("acme", "beta")


@pytest.fixture
def settings(service_settings) -> DispatchSettings:
    return service_settings(DispatchSettings)


@pytest.fixture
async def dispatch(settings, mongo_client):
    async with running(create_app(settings)) as client:
        await make_known(client, settings.kafka_bootstrap_servers, settings.topics, *TENANTS)
        yield client
    await mongo_client.drop_database(settings.mongo_db)
