"""Topics are created the way the settings lay them out."""

from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from shared.events.topics import dead_letter_topic
from shared.kafka.admin import TopicLayout, ensure_topics
from shared.settings import KafkaSettings


async def topic_configs(bootstrap, topic):
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        [response] = await admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, topic)])
        partitions = len((await admin.describe_topics([topic]))[0]["partitions"])
    finally:
        await admin.close()
    [(_, _, _, _, entries)] = response.resources
    return partitions, {name: value for name, value, *_ in entries}


async def test_partitions_isr_and_retention_come_from_the_settings(infra, namespace):
    settings = KafkaSettings(
        kafka_bootstrap_servers=infra.kafka_bootstrap,
        topic_partitions=2,
        topic_min_insync_replicas=1,
        topic_retention_s=86_400,
    )
    topic = f"{namespace}.layout"
    await ensure_topics(infra.kafka_bootstrap, [topic], ["g"], TopicLayout.of(settings))
    for name in (topic, dead_letter_topic(topic)):
        partitions, configs = await topic_configs(infra.kafka_bootstrap, name)
        assert partitions == 2
        assert configs["retention.ms"] == str(86_400_000)
        assert configs["min.insync.replicas"] == "1"


async def test_the_tenant_registry_topic_is_compacted_and_its_dead_letters_expire(infra, namespace):
    settings = KafkaSettings(
        kafka_bootstrap_servers=infra.kafka_bootstrap, topic_namespace=namespace
    )
    topic = settings.topics.intake_tenants
    await ensure_topics(infra.kafka_bootstrap, [topic], ["g"], TopicLayout.of(settings))
    _, registry = await topic_configs(infra.kafka_bootstrap, topic)
    _, dead_letters = await topic_configs(infra.kafka_bootstrap, dead_letter_topic(topic))
    assert registry["cleanup.policy"] == "compact"
    assert dead_letters["cleanup.policy"] == "delete"
    assert dead_letters["retention.ms"] == str(settings.topic_retention_s * 1000)
