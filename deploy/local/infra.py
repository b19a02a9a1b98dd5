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


class LocalServers:
    """Kafka and MongoDB as processes with data under ``base_dir``; each can be restarted
    on the same ports and data (fault-injection tests)."""

    def __init__(
        self,
        base_dir: Path,
        kafka_port: int | None = None,
        controller_port: int | None = None,
        mongo_port: int | None = None,
    ) -> None:
        self.kafka_cfg = KafkaConfig(
            kafka_port or free_port(), controller_port or free_port(), base_dir / "kafka"
        )
        self.mongo_cfg = MongoConfig(mongo_port or free_port(), base_dir / "mongodb")
        logs = base_dir / "logs"
        self.mongo = mongo_process(self.mongo_cfg, logs / "mongodb.log")
        self.kafka = kafka_process(self.kafka_cfg, logs / "kafka.log")
        self.endpoints = Endpoints(self.kafka_cfg.bootstrap, self.mongo_cfg.url)

    def start(self) -> None:
        self.mongo.start()
        self.kafka.start()
        self._wait_for_mongo()
        self._wait_for_kafka()

    def stop(self) -> None:
        self.kafka.stop()
        self.mongo.stop()

    def restart_kafka(self) -> None:
        """A clean broker restart (SIGTERM, then start on the same data)."""
        self.kafka.stop()
        self.kafka.start()
        self._wait_for_kafka()

    def crash_mongo(self) -> None:
        """SIGKILL the database server and start it again: it recovers from its journal."""
        self.mongo.kill()
        self.mongo.start()
        self._wait_for_mongo()

    def _wait_for_mongo(self) -> None:
        url = self.mongo_cfg.url
        self.mongo.wait_until(lambda: mongo_ready(url), STARTUP_TIMEOUT_S, "MongoDB")

    def _wait_for_kafka(self) -> None:
        bootstrap = self.kafka_cfg.bootstrap
        self.kafka.wait_until(lambda: kafka_ready(bootstrap), STARTUP_TIMEOUT_S, "Kafka")


@contextlib.contextmanager
def local_servers(
    base_dir: Path,
    kafka_port: int | None = None,
    controller_port: int | None = None,
    mongo_port: int | None = None,
) -> Iterator[Endpoints]:
    """Kafka and MongoDB with data under ``base_dir``; free ports unless given."""
    with running_servers(base_dir, kafka_port, controller_port, mongo_port) as servers:
        yield servers.endpoints


@contextlib.contextmanager
def running_servers(
    base_dir: Path,
    kafka_port: int | None = None,
    controller_port: int | None = None,
    mongo_port: int | None = None,
) -> Iterator[LocalServers]:
    servers = LocalServers(base_dir, kafka_port, controller_port, mongo_port)
    try:
        servers.start()
        yield servers
    finally:
        servers.stop()
