"""Producing test input to the real broker."""

from aiokafka import AIOKafkaProducer

from shared.events import EventEnvelope, encode_event


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
