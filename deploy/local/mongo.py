"""SecantusDB, a MongoDB wire-protocol server on WiredTiger, as a local process.

It advertises itself as a single-node replica set, so transactions and change streams
work. It is local infrastructure only: no service imports it.
"""

import sys
from dataclasses import dataclass
from pathlib import Path

from pymongo import MongoClient
from pymongo.errors import PyMongoError

from deploy.local.process import ManagedProcess


@dataclass(frozen=True)
class MongoConfig:
    port: int
    data_dir: Path

    @property
    def url(self) -> str:
        return f"mongodb://127.0.0.1:{self.port}/?directConnection=true"


def mongo_process(config: MongoConfig, log_path: Path) -> ManagedProcess:
    server = Path(sys.executable).parent / "secantusd-py"
    if not server.exists():
        raise RuntimeError(f"{server} is missing: run 'make deps' (uv sync installs SecantusDB)")
    config.data_dir.mkdir(parents=True, exist_ok=True)
    argv = [
        str(server),
        "--host", "127.0.0.1",
        "--port", str(config.port),
        "--storage-path", str(config.data_dir),
        "--log-level", "WARNING",
    ]  # fmt: skip
    return ManagedProcess("mongodb", argv, log_path)


def mongo_ready(url: str) -> bool:
    client: MongoClient[dict[str, object]] = MongoClient(url, serverSelectionTimeoutMS=1000)
    try:
        client.admin.command("ping")
        return True
    except PyMongoError:
        return False
    finally:
        client.close()
