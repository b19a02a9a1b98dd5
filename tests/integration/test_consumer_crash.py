"""A consumer killed inside its handler, as a process: the message comes again, because
offsets are committed only after success (never FastStream's ack-first)."""

import asyncio
import sys

from aiokafka.admin import AIOKafkaAdminClient

from deploy.local.process import ManagedProcess
from shared.kafka.admin import TopicLayout, ensure_topics
from shared.kafka.broker import create_broker, subscribe
from shared.testing.kafka import produce
from shared.testing.waiting import eventually


async def committed_offsets(bootstrap: str, group: str, topic: str) -> dict[int, int]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        offsets = await admin.list_consumer_group_offsets(group)
    finally:
        await admin.close()
    return {
        tp.partition: meta.offset
        for tp, meta in offsets.items()
        if tp.topic == topic and meta.offset >= 0
    }


async def test_a_consumer_killed_mid_handler_gets_the_message_again(
    infra, namespace, kafka_settings, tmp_path
):
    topic = f"{namespace}.work"
    await ensure_topics(infra.kafka_bootstrap, [topic], layout=TopicLayout(partitions=1))
    await produce(infra.kafka_bootstrap, topic, b"important")
    marker, group = tmp_path / "started", f"{namespace}-g"
    hanging = ManagedProcess(
        "hanging-consumer",
        [sys.executable, "-m", "tests.integration.hanging_consumer",
         infra.kafka_bootstrap, topic, group, str(marker)],
        tmp_path / "hanging.log",
    )  # fmt: skip
    hanging.start()
    try:
        hanging.wait_until(marker.exists, 60, "handler started")
        # Watch for longer than aiokafka's auto-commit interval (5 s), after which an
        # ack-first consumer would have committed the message it is still handling.
        seen = []
        for _ in range(7):
            seen.append(await committed_offsets(infra.kafka_bootstrap, group, topic))
            await asyncio.sleep(1)
    finally:
        hanging.kill()
    assert marker.read_text() == "0:0"
    assert seen == [{}] * 7

    received = []

    async def handler(message):
        received.append((message.value, message.offset))

    broker = create_broker(kafka_settings, "test")
    subscribe(broker, kafka_settings, topics=[topic], group_id=group, handler=handler)
    await broker.start()
    try:
        await eventually(lambda: asyncio.sleep(0, received), bool, timeout=60)
    finally:
        await broker.stop()
    assert received == [(b"important", 0)]
