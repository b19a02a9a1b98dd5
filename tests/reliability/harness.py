"""A service process killed with SIGKILL at an exact moment of its MongoDB conversation."""

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from urllib.parse import urlparse

from aiokafka import AIOKafkaProducer

from deploy.local.process import ManagedProcess
from deploy.local.services import healthy, service_process
from shared.testing.mongo_proxy import KillInsideTransaction, MongoWireProxy

STARTUP_TIMEOUT_S = 60.0
TRANSIENT_RETRY = "transient failure, retrying"


async def start(process: ManagedProcess, port: int) -> None:
    # The proxy lives on this event loop: blocking it while the service starts would hang.
    await asyncio.to_thread(process.start)
    await asyncio.to_thread(
        process.wait_until, partial(healthy, port), STARTUP_TIMEOUT_S, "/health"
    )


@dataclass
class Crash:
    """A service run behind a proxy that kills it inside a transaction, then run again."""

    name: str
    env: Mapping[str, str]
    log_dir: Path
    hook: KillInsideTransaction
    first: ManagedProcess | None = None
    restarted: ManagedProcess | None = None
    killed_at: float = 0.0

    @property
    def port(self) -> int:
        return int(self.env["TICKETFLOW_HTTP_PORT"])

    async def restart_after_the_kill(self, timeout_s: float = 60.0) -> None:
        assert self.first is not None
        deadline = time.monotonic() + timeout_s
        while self.hook.fired_on is None:
            if not self.first.running():
                raise AssertionError(f"{self.name} died before the kill:\n{self.first.log_tail()}")
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.name} was never inside a transaction to kill")
            await asyncio.sleep(0.01)
        self.killed_at = time.monotonic()
        assert not self.first.running()
        self.restarted = service_process(self.name, self.env, self.log_dir / "restarted")
        await start(self.restarted, self.port)

    def restarted_log(self) -> str:
        assert self.restarted is not None
        return self.restarted.log_path.read_text(errors="replace")


@contextlib.asynccontextmanager
async def crash_inside_a_transaction(
    name: str, env: Mapping[str, str], log_dir: Path, arm_after: int
) -> AsyncIterator[Crash]:
    """``name`` started behind the proxy; killed once ``arm_after`` transactions committed,
    at the statement after a write of an open transaction (see :class:`KillInsideTransaction`)."""
    mongo = urlparse(env["TICKETFLOW_MONGO_URL"])
    crash = Crash(name, env, log_dir, KillInsideTransaction(arm_after))
    async with MongoWireProxy(mongo.hostname or "", mongo.port or 27017, crash.hook) as proxy:
        crash.first = service_process(name, {**env, "TICKETFLOW_MONGO_URL": proxy.url}, log_dir)
        crash.hook.kill = crash.first.kill
        try:
            await start(crash.first, crash.port)
            yield crash
        finally:
            crash.first.kill()
            if crash.restarted is not None:
                await asyncio.to_thread(crash.restarted.stop)


async def steady_load(
    bootstrap: str, topic: str, messages: Sequence[tuple[bytes, bytes]], rate: int
) -> None:
    """Produce ``(key, value)`` pairs at about ``rate`` a second."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=0)
    await producer.start()
    try:
        started = time.monotonic()
        for i, (key, value) in enumerate(messages):
            await producer.send_and_wait(topic, value, key=key)
            await asyncio.sleep(max(0.0, started + (i + 1) / rate - time.monotonic()))
    finally:
        await producer.stop()
