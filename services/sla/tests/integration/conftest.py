import pytest

from services.sla.settings import SlaSettings


@pytest.fixture
def settings(service_settings) -> SlaSettings:
    return service_settings(
        SlaSettings,
        outbox_poll_interval_s=0.05,
        scheduler_poll_interval_s=0.05,
        timer_shards=4,
        shard_lease_s=3.0,
    )


@pytest.fixture
async def dropped_after(settings, mongo_client):
    yield
    await mongo_client.drop_database(settings.mongo_db)
