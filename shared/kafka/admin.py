"""Creates the topics a service uses (and their dead-letter topics) if they are missing, and
waits until the broker can serve them.

A broker that has just started, or a topic that has just been created, answers for a few
hundred milliseconds with "coordinator not available" or "not leader"; consumers started
then log errors that look like faults. Waiting here makes a clean start look clean.
"""

import asyncio
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaError, TopicAlreadyExistsError

from shared.events.topics import compacted_topics, dead_letter_topic
from shared.settings import KafkaSettings

READY_TIMEOUT_S = 60.0
_POLL_S = 0.1


class KafkaNotReady(RuntimeError):
    pass


@dataclass(frozen=True)
class TopicLayout:
    partitions: int = 3
    replication: int = 1
    min_insync_replicas: int = 1
    retention_s: int | None = None
    # Kept by key, not by age (their dead-letter topics are not).
    compacted: frozenset[str] = frozenset()

    @classmethod
    def of(cls, settings: KafkaSettings) -> "TopicLayout":
        return cls(
            settings.topic_partitions,
            settings.topic_replication_factor,
            settings.topic_min_insync_replicas,
            settings.topic_retention_s,
            compacted_topics(settings.topics),
        )

    def new_topic(self, name: str) -> NewTopic:
        configs = {"min.insync.replicas": str(self.min_insync_replicas)}
        if name in self.compacted:
            configs["cleanup.policy"] = "compact"
        elif self.retention_s is not None:
            configs["retention.ms"] = str(self.retention_s * 1000)
        return NewTopic(name, self.partitions, self.replication, topic_configs=configs)


async def ensure_topics(
    bootstrap_servers: str,
    topics: Iterable[str],
    group_ids: Sequence[str] = (),
    layout: TopicLayout | None = None,
) -> None:
    """Create what is missing of ``topics`` and their DLQs, laid out as ``layout`` says."""
    layout = layout or TopicLayout()
    names = sorted({t for topic in topics for t in (topic, dead_letter_topic(topic))})
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [layout.new_topic(n) for n in names if n not in existing]
        if missing:
            await _create(admin, missing)
        await _until_ready(admin, names, group_ids, time.monotonic() + READY_TIMEOUT_S)
    finally:
        await admin.close()


async def _create(admin: AIOKafkaAdminClient, topics: list[NewTopic]) -> None:
    try:
        await admin.create_topics(topics)
    except TopicAlreadyExistsError:
        # Another replica created them between our listing and this call: that is fine.
        return


async def _until_ready(
    admin: AIOKafkaAdminClient, topics: Sequence[str], group_ids: Sequence[str], deadline: float
) -> None:
    """Every partition has a leader and every consumer group a coordinator."""
    waiting_for = "partition leaders"
    while True:
        try:
            if await _leaders_elected(admin, topics):
                waiting_for = "group coordinators"
                for group_id in group_ids:
                    await admin.find_coordinator(group_id)
                return
        except KafkaError as error:
            if not error.retriable:
                raise
        if time.monotonic() > deadline:
            raise KafkaNotReady(f"Kafka has no {waiting_for} for {list(topics)} yet")
        await asyncio.sleep(_POLL_S)


async def _leaders_elected(admin: AIOKafkaAdminClient, topics: Sequence[str]) -> bool:
    described = await admin.describe_topics(list(topics))
    return len(described) == len(topics) and all(
        topic["error_code"] == 0
        and topic["partitions"]
        and all(p["error_code"] == 0 and p["leader"] >= 0 for p in topic["partitions"])
        for topic in described
    )


async def partitions_of(bootstrap_servers: str, topics: Iterable[str]) -> dict[str, list[int]]:
    """The partition numbers of each of ``topics`` that exists."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        wanted = [t for t in topics if t in existing]
        described = await admin.describe_topics(wanted) if wanted else []
    finally:
        await admin.close()
    return {
        t["topic"]: sorted(p["partition"] for p in t["partitions"])
        for t in described
        if t["error_code"] == 0
    }
