"""At-least-once consumption against the real broker: a failing message is dead-lettered
and the consumer moves on (commit only after success: tests/integration/test_consumer_crash)."""

import asyncio

from shared.events.topics import dead_letter_topic
from shared.kafka.admin import TopicLayout, ensure_topics
from shared.kafka.broker import create_broker, subscribe
from shared.testing.kafka import produce
from shared.testing.recorder import TopicRecorder
from shared.testing.waiting import eventually


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
