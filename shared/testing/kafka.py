"""Producing test input to the real broker."""

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from shared.events import EventEnvelope, encode_event
from shared.kafka.admin import partitions_of


async def produce(
    bootstrap: str, topic: str, *values: bytes, key: bytes = b"k", partition: int | None = None
) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    try:
        for value in values:
            await producer.send_and_wait(topic, value, key=key, partition=partition)
    finally:
        await producer.stop()


async def publish_in_order(bootstrap: str, topic: str, *events: EventEnvelope) -> None:
    """All to partition 0, so that the last one's effect proves the earlier ones were seen."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    try:
        for event in events:
            await producer.send_and_wait(topic, encode_event(event), key=event.key, partition=0)
    finally:
        await producer.stop()


async def topic_size(bootstrap: str, topic: str) -> int:
    """How many records ``topic`` holds over all its partitions (0 if it does not exist)."""
    found = await partitions_of(bootstrap, [topic])
    assigned = [TopicPartition(topic, p) for p in found.get(topic, [])]
    if not assigned:
        return 0
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        start, end = (
            await consumer.beginning_offsets(assigned),
            await consumer.end_offsets(assigned),
        )
        return sum(end[tp] - start[tp] for tp in assigned)
    finally:
        await consumer.stop()
