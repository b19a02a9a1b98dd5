import pytest

from services.dispatch.bootstrap import create_app
from services.dispatch.settings import DispatchSettings
from shared.testing.apps import running


@pytest.fixture
def settings(service_settings) -> DispatchSettings:
    return service_settings(DispatchSettings)


@pytest.fixture
async def dispatch(settings, mongo_client):
    async with running(create_app(settings)) as client:
        yield client
    await mongo_client.drop_database(settings.mongo_db)
