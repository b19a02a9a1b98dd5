"""At-least-once consumption against the real broker: DLQ, and commit only after success."""

import asyncio
import sys

from aiokafka.admin import AIOKafkaAdminClient

from deploy.local.process import ManagedProcess
from shared.events.topics import dead_letter_topic
from shared.kafka.admin import TopicLayout, ensure_topics
from shared.kafka.broker import create_broker, subscribe
from shared.testing.kafka import produce
from shared.testing.recorder import TopicRecorder
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


async def test_a_handler_that_always_fails_dead_letters_and_the_consumer_moves_on(
    infra, namespace, kafka_settings
):
    topic = f"{namespace}.work"
    await ensure_topics(infra.kafka_bootstrap, [topic], layout=TopicLayout(partitions=1))
    attempts: dict[bytes, int] = {}
    handled: list[bytes] = []

    async def handler(message):
        attempts[message.value] = attempts.get(message.value, 0) + 1
        if message.value == b"poison":
            raise RuntimeError("cannot handle poison")
        handled.append(message.value)

    broker = create_broker(kafka_settings, "test")
    subscribe(broker, kafka_settings, topics=[topic], group_id=f"{namespace}-g", handler=handler)
    async with TopicRecorder(infra.kafka_bootstrap, dead_letter_topic(topic)) as dlq:
        await broker.start()
        try:
            await produce(infra.kafka_bootstrap, topic, b"poison", b"fine")
            await eventually(lambda: asyncio.sleep(0, handled), lambda h: h == [b"fine"])
            [dead] = await dlq.wait_for(lambda records: len(records) >= 1)
        finally:
            await broker.stop()
    headers = dict(dead.headers)
    assert dead.value == b"poison"
    assert attempts[b"poison"] == kafka_settings.consumer_max_attempts
    assert headers["x-dlq-attempts"] == str(kafka_settings.consumer_max_attempts).encode()
    assert headers["x-dlq-error-type"] == b"RuntimeError"
    assert headers["x-dlq-source"] == f"{topic}/0/0".encode()


async def test_a_consumer_killed_mid_handler_gets_the_message_again(
    infra, namespace, kafka_settings, tmp_path
):
    topic = f"{namespace}.work"
    await ensure_topics(infra.kafka_bootstrap, [topic], layout=TopicLayout(partitions=1))
    await produce(infra.kafka_bootstrap, topic, b"important")
    marker, group = tmp_path / "started", f"{namespace}-g"
    hanging = ManagedProcess(
        "hanging-consumer",
        [sys.executable, "-m", "shared.tests.integration.hanging_consumer",
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
