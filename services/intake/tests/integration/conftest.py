import pytest

from services.intake.bootstrap import create_app
from services.intake.settings import IntakeSettings
from shared.testing.apps import running


@pytest.fixture
def settings(service_settings) -> IntakeSettings:
    return service_settings(IntakeSettings)


@pytest.fixture
async def intake(settings, mongo_client, namespace):
    """A running intake whose tenant ``namespace`` is provisioned."""
    async with running(create_app(settings)) as client:
        response = await client.put(f"/tenants/{namespace}", json={"name": "Test tenant"})
        assert response.status_code == 201, response.text
        yield client
    await mongo_client.drop_database(settings.mongo_db)
