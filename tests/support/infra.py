"""Where the tests' Kafka and MongoDB come from: ``TICKETFLOW_INFRA=local|testcontainers|external``.

- ``local`` (default): Apache Kafka from Maven jars and SecantusDB, started as processes on
  free loopback ports with throw-away data dirs, stopped at the end of the session.
- ``testcontainers``: the official ``apache/kafka`` and ``mongo`` images (needs Docker).
- ``external``: servers someone else runs, at ``TICKETFLOW_KAFKA_BOOTSTRAP_SERVERS`` and
  ``TICKETFLOW_MONGO_URL``.
"""

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from deploy.local.infra import Endpoints, local_servers

MODES = ("local", "testcontainers", "external")


@contextlib.contextmanager
def servers_for_tests() -> Iterator[Endpoints]:
    mode = os.environ.get("TICKETFLOW_INFRA", "local")
    if mode == "local":
        keep = os.environ.get("TICKETFLOW_TEST_DATA_DIR")
        with _data_dir(keep) as base, local_servers(base) as endpoints:
            yield endpoints
    elif mode == "external":
        yield Endpoints(
            os.environ["TICKETFLOW_KAFKA_BOOTSTRAP_SERVERS"], os.environ["TICKETFLOW_MONGO_URL"]
        )
    elif mode == "testcontainers":
        with _containers() as endpoints:
            yield endpoints
    else:
        raise ValueError(f"TICKETFLOW_INFRA must be one of {MODES}, not {mode!r}")


@contextlib.contextmanager
def _data_dir(keep: str | None) -> Iterator[Path]:
    if keep:
        yield Path(keep)
        return
    with tempfile.TemporaryDirectory(prefix="ticketflow-test-") as tmp:
        yield Path(tmp)


@contextlib.contextmanager
def _containers() -> Iterator[Endpoints]:
    from testcontainers.kafka import KafkaContainer  # only installed with the docker group
    from testcontainers.mongodb import MongoDbContainer

    mongo = MongoDbContainer("mongo:7.0").with_command("--replSet rs0 --bind_ip_all")
    with KafkaContainer("apache/kafka:4.1.1").with_kraft() as kafka, mongo:
        mongo.exec(["mongosh", "--quiet", "--eval", "rs.initiate()"])
        host, port = mongo.get_container_host_ip(), mongo.get_exposed_port(27017)
        yield Endpoints(
            kafka.get_bootstrap_server(), f"mongodb://{host}:{port}/?directConnection=true"
        )
