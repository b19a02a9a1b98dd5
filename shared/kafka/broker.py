"""FastStream Kafka broker factory and the one way services subscribe to a topic.

Every subscription is at-least-once: an explicit group id, auto-commit off, the offset
committed only after :class:`~shared.kafka.delivery.ReliableDelivery` returned (the
handler succeeded or the message went to ``<topic>.dlq``). If delivery itself raises,
the message is nacked (the consumer seeks back to it) and is processed again.
"""

import logging
from collections.abc import Sequence
from typing import Any

from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from faststream.kafka.opentelemetry import KafkaTelemetryMiddleware
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.trace import Tracer

from shared.events.topics import dead_letter_topic
from shared.kafka.batches import BatchDelivery, SharedTransactions
from shared.kafka.delivery import (
    DeliveryObserver,
    InboundMessage,
    MessageHandler,
    ReliableDelivery,
    RetryPolicy,
)
from shared.settings import KafkaSettings

AT_LEAST_ONCE = AckPolicy.NACK_ON_ERROR


def create_broker(
    settings: KafkaSettings, client_id: str, tracer_provider: TracerProvider | None = None
) -> KafkaBroker:
    middlewares = [KafkaTelemetryMiddleware(tracer_provider=tracer_provider)]
    return KafkaBroker(
        settings.kafka_bootstrap_servers,
        client_id=client_id,
        ack_policy=AT_LEAST_ONCE,
        middlewares=middlewares,
        graceful_timeout=10.0,
        # Not under "faststream": that logger has its own colour handler and no propagation,
        # so its lines would bypass our JSON formatter.
        logger=logging.getLogger(f"ticketflow.kafka.{client_id}"),
        # One line per message is too much at hundreds of messages a second.
        log_level=logging.DEBUG,
    )


class BrokerDeadLetters:
    """Publishes a failed message unchanged to ``<topic>.dlq`` with the error in headers."""

    def __init__(self, broker: KafkaBroker, consumer: str) -> None:
        self._broker = broker
        self._consumer = consumer

    async def send(self, message: InboundMessage, error: BaseException, attempts: int) -> None:
        headers = {k: v.decode(errors="replace") for k, v in message.headers.items()}
        headers |= {
            "x-dlq-consumer": self._consumer,
            "x-dlq-error-type": type(error).__qualname__,
            "x-dlq-error": str(error)[:2000],
            "x-dlq-attempts": str(attempts),
            "x-dlq-source": f"{message.topic}/{message.partition}/{message.offset}",
        }
        await self._broker.publish(
            message.value,
            topic=dead_letter_topic(message.topic),
            key=message.key,
            headers=headers,
        )


def subscribe(
    broker: KafkaBroker,
    settings: KafkaSettings,
    *,
    topics: Sequence[str],
    group_id: str,
    handler: MessageHandler,
    observer: DeliveryObserver | None = None,
    transactions: SharedTransactions | None = None,
    tracer: Tracer | None = None,
) -> Any:
    """Consume ``topics`` as consumer group ``group_id``, at least once, with DLQ; the
    FastStream subscriber (its ``consumer`` is the running aiokafka consumer).

    With ``transactions``, each poll's records are delivered as one batch in one shared
    transaction (see :mod:`shared.kafka.batches`), and the offsets committed once."""
    policy = RetryPolicy(
        max_attempts=settings.consumer_max_attempts,
        initial_backoff_s=settings.consumer_backoff_initial_s,
        max_backoff_s=settings.consumer_backoff_max_s,
    )
    dead_letters = BrokerDeadLetters(broker, group_id)
    delivery = ReliableDelivery(handler, policy, dead_letters, observer=observer)
    options: dict[str, Any] = {
        "group_id": group_id,
        "ack_policy": AT_LEAST_ONCE,
        "auto_offset_reset": "earliest",
        "session_timeout_ms": settings.consumer_session_timeout_ms,
        "heartbeat_interval_ms": settings.consumer_session_timeout_ms // 4,
    }
    batch_size = settings.consumer_batch_max_records
    if transactions is None or batch_size == 1:

        async def on_message(msg: KafkaMessage) -> None:
            await delivery(_inbound(msg.raw_message))

        subscriber = broker.subscriber(*topics, **options)
        subscriber(on_message)
        return subscriber
    batches = BatchDelivery(
        handler, transactions, delivery, policy, observer=observer, tracer=tracer
    )

    async def on_batch(msg: KafkaMessage) -> None:
        records = msg.raw_message
        await batches(
            [_inbound(r) for r in (records if isinstance(records, tuple) else (records,))]
        )

    subscriber = broker.subscriber(*topics, batch=True, max_records=batch_size, **options)
    subscriber(on_batch)
    return subscriber


def _inbound(record: Any) -> InboundMessage:
    return InboundMessage(
        topic=record.topic,
        partition=record.partition,
        offset=record.offset,
        key=record.key,
        value=record.value or b"",
        headers={k: bytes(v) for k, v in record.headers},
    )
