"""Builds a service's outbox relay from its settings."""

from datetime import timedelta
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from shared.clock import Clock
from shared.kafka.producer import KafkaOutboxPublisher
from shared.mongo.leases import MongoShardLeases
from shared.mongo.outbox_store import RELAY_LEASES, MongoOutboxStore
from shared.outbox.relay import OUTBOX_SHARDS, OutboxRelay
from shared.settings import StandardSettings


def create_relay(
    settings: StandardSettings, db: AsyncDatabase[Any], clock: Clock, replica: str
) -> tuple[OutboxRelay, KafkaOutboxPublisher]:
    """The relay of ``replica`` and the producer it publishes with."""
    publisher = KafkaOutboxPublisher(settings.kafka_bootstrap_servers, settings.service_name)
    lease = timedelta(seconds=settings.outbox_lease_s)
    # Who holds which shards: the relay's only lease (see shared.outbox.relay).
    owner = f"{replica}-relay"
    relay = OutboxRelay(
        MongoOutboxStore(db),
        publisher,
        clock,
        shards=MongoShardLeases(db, owner, OUTBOX_SHARDS, lease, RELAY_LEASES),
        batch_size=settings.outbox_batch_size,
        poll_interval_s=settings.outbox_poll_interval_s,
        park_after=settings.outbox_park_after,
        linger_s=settings.outbox_linger_ms / 1000,
    )
    return relay, publisher
