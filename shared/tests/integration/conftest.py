import pytest

from shared.settings import KafkaSettings


@pytest.fixture
def kafka_settings(infra, namespace) -> KafkaSettings:
    return KafkaSettings(
        kafka_bootstrap_servers=infra.kafka_bootstrap,
        topic_namespace=namespace,
        consumer_max_attempts=3,
        consumer_backoff_initial_s=0.01,
        consumer_backoff_max_s=0.05,
        consumer_session_timeout_ms=6000,
    )
