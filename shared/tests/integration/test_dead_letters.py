"""Dead letters listed, replayed after a fix, purged: the desk, its CLI and its HTTP API."""

import asyncio
import json
import os
import subprocess
import sys

from shared.dlq.desk import DeadLetterDesk
from shared.errors import RequestError
from shared.kafka.admin import TopicLayout, ensure_topics
from shared.kafka.broker import create_broker, subscribe
from shared.testing.kafka import produce, topic_size
from shared.testing.waiting import eventually


async def test_a_dead_letter_is_replayed_after_the_fix_and_handled_once(
    infra, namespace, kafka_settings
):
    topic, group = f"{namespace}.work", f"{namespace}-g"
    await ensure_topics(infra.kafka_bootstrap, [topic], layout=TopicLayout(partitions=1))
    fixed, handled = asyncio.Event(), []

    async def handler(message):
        if not fixed.is_set() and message.value != b"fine":
            raise RequestError(f"cannot handle {message.value.decode()} yet")
        handled.append((message.value, message.headers.get("x-replayed-from")))

    broker = create_broker(kafka_settings, "test")
    subscribe(broker, kafka_settings, topics=[topic], group_id=group, handler=handler)
    desk = DeadLetterDesk(infra.kafka_bootstrap, kafka_settings.topics, [topic], [group])
    await broker.start()
    try:
        await produce(infra.kafka_bootstrap, topic, b"ticket-1", b"ticket-2", b"fine")
        await eventually(lambda: asyncio.sleep(0, handled), lambda h: len(h) == 1)
        waiting = await eventually(desk.waiting, lambda letters: len(letters) == 2)
        first, second = waiting
        fixed.set()
        replayed = await desk.replay([first.id], "ops")
        await eventually(lambda: asyncio.sleep(0, handled), lambda h: len(h) == 2)
        purged = await desk.purge([], "ops")  # the rest
        left = await desk.waiting()
        kept = await topic_size(infra.kafka_bootstrap, f"{topic}.dlq")
    finally:
        await broker.stop()
    assert (first.consumer, first.error_type, first.attempts) == (group, "RequestError", 1)
    assert first.error == "cannot handle ticket-1 yet"
    assert first.source == f"{topic}/0/0"
    assert [letter.id for letter in replayed] == [first.id]
    assert handled[1] == (b"ticket-1", first.id.encode())
    assert [letter.id for letter in purged] == [second.id]
    assert left == []
    assert kept == 2  # the topic keeps every dead letter as an audit trail


def cli(infra, namespace, *args):
    env = os.environ | {
        "TICKETFLOW_KAFKA_BOOTSTRAP_SERVERS": infra.kafka_bootstrap,
        "TICKETFLOW_TOPIC_NAMESPACE": namespace,
    }
    return subprocess.run(
        [sys.executable, "-m", "shared.dlq", *args], env=env, capture_output=True, text=True,
        timeout=60, check=False,
    )  # fmt: skip


async def test_the_cli_lists_shows_and_purges(infra, namespace, kafka_settings):
    topic = f"{namespace}.work"
    await ensure_topics(infra.kafka_bootstrap, [topic], layout=TopicLayout(partitions=1))
    headers = {
        "x-dlq-consumer": "g",
        "x-dlq-error-type": "MalformedEvent",
        "x-dlq-error": "bad",
        "x-dlq-attempts": "1",
        "x-dlq-source": f"{topic}/0/5",
    }
    await produce_with_headers(infra.kafka_bootstrap, f"{topic}.dlq", b"poison", headers)
    listed = await asyncio.to_thread(cli, infra, namespace, "list")
    letter_id = f"{topic}.dlq:0:0"
    shown = await asyncio.to_thread(cli, infra, namespace, "show", letter_id)
    refused = await asyncio.to_thread(cli, infra, namespace, "purge")
    purged = await asyncio.to_thread(cli, infra, namespace, "purge", "--yes")
    after = await asyncio.to_thread(cli, infra, namespace, "list")
    missing = await asyncio.to_thread(cli, infra, namespace, "show", letter_id)
    assert listed.returncode == 0, listed.stderr
    assert letter_id in listed.stdout
    assert "MalformedEvent: bad" in listed.stdout
    assert json.loads(shown.stdout)["source"] == f"{topic}/0/5"
    assert refused.returncode == 2
    assert purged.stdout.strip() == f"purged 1: {letter_id}"
    assert after.stdout.strip() == "no dead letters waiting"
    assert missing.returncode == 1


async def produce_with_headers(bootstrap, topic, value, headers):
    from aiokafka import AIOKafkaProducer

    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    try:
        await producer.send_and_wait(
            topic, value, key=b"k", headers=[(k, v.encode()) for k, v in headers.items()]
        )
    finally:
        await producer.stop()
