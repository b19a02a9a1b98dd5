"""Apache Kafka (KRaft, single node) from its Maven Central jars, started with ``java``."""

import asyncio
import base64
import hashlib
import shutil
import subprocess
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from aiokafka.admin import AIOKafkaAdminClient

from deploy.local.paths import KAFKA_LIB, KAFKA_LOG4J, KAFKA_POM
from deploy.local.ports import port_open
from deploy.local.process import ManagedProcess

_STAMP = KAFKA_LIB / ".pom.sha256"


def ensure_kafka_jars() -> Path:
    """Resolve the broker and its runtime dependencies with Maven, once per pom change."""
    digest = hashlib.sha256(KAFKA_POM.read_bytes()).hexdigest()
    if _STAMP.exists() and _STAMP.read_text() == digest:
        return KAFKA_LIB
    if shutil.which("mvn") is None or shutil.which("java") is None:
        raise RuntimeError("java and mvn are needed to run Kafka locally (make deps installs them)")
    shutil.rmtree(KAFKA_LIB, ignore_errors=True)
    subprocess.run(
        [
            "mvn", "-q", "-B", "-f", str(KAFKA_POM),
            "dependency:copy-dependencies",
            "-DincludeScope=runtime",
            f"-DoutputDirectory={KAFKA_LIB}",
        ],
        check=True,
    )  # fmt: skip
    _STAMP.write_text(digest)
    return KAFKA_LIB


@dataclass(frozen=True)
class KafkaConfig:
    port: int
    controller_port: int
    data_dir: Path
    partitions: int = 3

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    def properties(self) -> str:
        return "\n".join(
            [
                "process.roles=broker,controller",
                "node.id=1",
                f"controller.quorum.voters=1@127.0.0.1:{self.controller_port}",
                f"listeners=PLAINTEXT://127.0.0.1:{self.port},"
                f"CONTROLLER://127.0.0.1:{self.controller_port}",
                f"advertised.listeners=PLAINTEXT://127.0.0.1:{self.port}",
                "controller.listener.names=CONTROLLER",
                "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
                "inter.broker.listener.name=PLAINTEXT",
                f"log.dirs={self.data_dir / 'log'}",
                f"num.partitions={self.partitions}",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=3",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "group.min.session.timeout.ms=3000",
                "auto.create.topics.enable=true",
                "",
            ]
        )


def kafka_process(config: KafkaConfig, log_path: Path, heap: str = "512m") -> ManagedProcess:
    """Write the config, format the storage on first use, and return the (unstarted) broker."""
    lib = ensure_kafka_jars()
    config.data_dir.mkdir(parents=True, exist_ok=True)
    properties = config.data_dir / "server.properties"
    properties.write_text(config.properties())
    java = ["java", f"-Xmx{heap}", f"-Dlog4j2.configurationFile={KAFKA_LOG4J}", "-cp", f"{lib}/*"]
    if not (config.data_dir / "log" / "meta.properties").exists():
        subprocess.run(
            [*java, "kafka.tools.StorageTool", "format",
             f"--cluster-id={_cluster_id()}", "-c", str(properties)],
            check=True,
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
    return ManagedProcess("kafka", [*java, "kafka.Kafka", str(properties)], log_path)


def _cluster_id() -> str:
    # 16 random bytes in URL-safe base64 without padding; it may start with '-', hence
    # the '--cluster-id=' form above.
    return base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")


def kafka_ready(bootstrap: str) -> bool:
    """True once a client can connect and read cluster metadata."""
    host, port = bootstrap.rsplit(":", 1)
    if not port_open(int(port), host):
        return False  # not listening yet: skip the client, which would log the refusal

    async def probe() -> bool:
        admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=2000)
        try:
            await admin.start()
            await admin.list_topics()
            return True
        except Exception:  # noqa: BLE001 - any failure means "not ready yet"
            return False
        finally:
            await admin.close()

    # Run in a thread so that this works whether or not the caller has an event loop.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, probe()).result()
