import pytest

from services.sla.settings import SlaSettings


@pytest.fixture
def settings(infra, namespace) -> SlaSettings:
    return SlaSettings(
        kafka_bootstrap_servers=infra.kafka_bootstrap,
        mongo_url=infra.mongo_url,
        topic_namespace=namespace,
        mongo_db=f"{namespace}_sla",
        outbox_poll_interval_s=0.05,
        consumer_session_timeout_ms=6000,
        consumer_backoff_initial_s=0.05,
        scheduler_poll_interval_s=0.05,
        timer_shards=4,
        shard_lease_s=3.0,
    )


@pytest.fixture
async def dropped_after(settings, mongo_client):
    yield
    await mongo_client.drop_database(settings.mongo_db)
