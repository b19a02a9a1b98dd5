"""Start and stop the local Kafka and MongoDB servers together."""

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from deploy.local.kafka import KafkaConfig, kafka_process, kafka_ready
from deploy.local.mongo import MongoConfig, mongo_process, mongo_ready
from deploy.local.ports import free_port

STARTUP_TIMEOUT_S = 120.0


@dataclass(frozen=True)
class Endpoints:
    kafka_bootstrap: str
    mongo_url: str


@contextlib.contextmanager
def local_servers(
    base_dir: Path,
    kafka_port: int | None = None,
    controller_port: int | None = None,
    mongo_port: int | None = None,
) -> Iterator[Endpoints]:
    """Kafka and MongoDB with data under ``base_dir``; free ports unless given."""
    kafka_cfg = KafkaConfig(
        kafka_port or free_port(), controller_port or free_port(), base_dir / "kafka"
    )
    mongo_cfg = MongoConfig(mongo_port or free_port(), base_dir / "mongodb")
    logs = base_dir / "logs"
    mongo = mongo_process(mongo_cfg, logs / "mongodb.log")
    kafka = kafka_process(kafka_cfg, logs / "kafka.log")
    try:
        mongo.start()
        kafka.start()
        mongo.wait_until(lambda: mongo_ready(mongo_cfg.url), STARTUP_TIMEOUT_S, "MongoDB")
        kafka.wait_until(lambda: kafka_ready(kafka_cfg.bootstrap), STARTUP_TIMEOUT_S, "Kafka")
        yield Endpoints(kafka_cfg.bootstrap, mongo_cfg.url)
    finally:
        kafka.stop()
        mongo.stop()
