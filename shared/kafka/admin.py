"""Creates the topics a service uses (and their dead-letter topics) if they are missing."""

from collections.abc import Iterable

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from shared.events.topics import dead_letter_topic


async def ensure_topics(
    bootstrap_servers: str, topics: Iterable[str], partitions: int = 3, replication: int = 1
) -> None:
    names = sorted({t for topic in topics for t in (topic, dead_letter_topic(topic))})
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [NewTopic(n, partitions, replication) for n in names if n not in existing]
        if missing:
            await _create(admin, missing)
    finally:
        await admin.close()


async def _create(admin: AIOKafkaAdminClient, topics: list[NewTopic]) -> None:
    try:
        await admin.create_topics(topics)
    except TopicAlreadyExistsError:
        # Another replica created them between our listing and this call: that is fine.
        return
