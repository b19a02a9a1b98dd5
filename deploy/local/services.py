"""The ticketflow services as processes, configured through their environment."""

import sys
from collections.abc import Mapping
from functools import partial
from pathlib import Path

import httpx

from deploy.local.infra import Endpoints
from deploy.local.paths import ROOT
from deploy.local.process import ManagedProcess

SERVICES = ("intake", "dispatch", "sla", "qc", "notify", "gateway")
STARTUP_TIMEOUT_S = 60.0


def service_env(
    endpoints: Endpoints, port: int, namespace: str = "ticketflow", mongo_db: str | None = None
) -> dict[str, str]:
    return {
        "TICKETFLOW_KAFKA_BOOTSTRAP_SERVERS": endpoints.kafka_bootstrap,
        "TICKETFLOW_MONGO_URL": endpoints.mongo_url,
        "TICKETFLOW_TOPIC_NAMESPACE": namespace,
        "TICKETFLOW_HTTP_HOST": "127.0.0.1",
        "TICKETFLOW_HTTP_PORT": str(port),
        **({"TICKETFLOW_MONGO_DB": mongo_db} if mongo_db else {}),
    }


def service_process(name: str, env: Mapping[str, str], log_dir: Path) -> ManagedProcess:
    return ManagedProcess(
        name, [sys.executable, "-m", f"services.{name}"], log_dir / f"{name}.log", env, ROOT
    )


def healthy(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/health", timeout=1.0).status_code == 200
    except httpx.HTTPError:
        return False


def start_services(envs: Mapping[str, Mapping[str, str]], log_dir: Path) -> list[ManagedProcess]:
    """Start every service in ``envs`` at once, then wait until each answers /health."""
    processes = [service_process(name, env, log_dir) for name, env in envs.items()]
    try:
        for process in processes:
            process.start()
        for process, env in zip(processes, envs.values(), strict=True):
            port = int(env["TICKETFLOW_HTTP_PORT"])
            process.wait_until(partial(healthy, port), STARTUP_TIMEOUT_S, "/health")
    except BaseException:
        for process in processes:
            process.stop()
        raise
    return processes
