import pytest
from pydantic import ValidationError

from shared.settings import KafkaSettings, StandardSettings


def standard(**values):
    return StandardSettings(service_name="x", mongo_db="x", **values)


def test_the_defaults_keep_processed_events_longer_than_kafka_keeps_events():
    settings = standard()
    assert settings.processed_events_ttl_s > settings.topic_retention_s


def test_a_dedup_ttl_not_longer_than_the_retention_is_refused():
    with pytest.raises(ValidationError, match="processed_events_ttl_s must be longer"):
        standard(topic_retention_s=7200, processed_events_ttl_s=7200)


def test_min_insync_replicas_cannot_exceed_the_replication_factor():
    with pytest.raises(ValidationError, match="cannot exceed topic_replication_factor"):
        KafkaSettings(topic_replication_factor=1, topic_min_insync_replicas=2)
    assert KafkaSettings(topic_replication_factor=3, topic_min_insync_replicas=2)


def test_a_replica_is_its_configured_id_or_a_fresh_random_one():
    assert standard(replica_id="dispatch").replica() == "dispatch"
    first, second = standard().replica(), standard().replica()
    assert first.startswith("x-")
    assert first != second


def test_consumer_groups_are_per_namespace_and_the_default_keeps_its_bare_names():
    assert standard().consumer_group("dispatch") == "dispatch"
    assert standard(topic_namespace="t1a2").consumer_group("dispatch") == "t1a2.dispatch"
    assert standard(topic_namespace="t1a2").consumer_group("sla.intake") == "t1a2.sla.intake"
