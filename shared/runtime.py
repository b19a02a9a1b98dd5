"""Process wiring shared by every service: lifespan of broker, Mongo and background loops."""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from fastapi import FastAPI
from faststream.kafka import KafkaBroker
from opentelemetry.sdk.trace import TracerProvider
from pymongo import AsyncMongoClient

from shared.kafka.admin import TopicLayout, ensure_topics
from shared.settings import KafkaSettings, ServiceSettings

log = logging.getLogger(__name__)

BackgroundLoop = Callable[[asyncio.Event], Coroutine[Any, Any, None]]
Hook = Callable[[], Awaitable[None]]


@dataclass
class Runtime:
    """What a service's lifespan starts, in order, and stops in reverse."""

    kafka: KafkaSettings
    broker: KafkaBroker
    mongo: AsyncMongoClient[Any]
    topics: Sequence[str]
    group_ids: Sequence[str] = ()
    on_startup: list[Hook] = field(default_factory=list)
    on_shutdown: list[Hook] = field(default_factory=list)
    loops: list[BackgroundLoop] = field(default_factory=list)
    tracer_provider: TracerProvider | None = None
    # The running loops by name, for readiness: a loop that ended while the service runs
    # has crashed.
    tasks: dict[str, "asyncio.Task[None]"] = field(default_factory=dict)

    @contextlib.asynccontextmanager
    async def lifespan(self, _app: FastAPI) -> AsyncIterator[None]:
        await ensure_topics(
            self.kafka.kafka_bootstrap_servers,
            self.topics,
            self.group_ids,
            TopicLayout.of(self.kafka),
        )
        for hook in self.on_startup:
            await hook()
        stop = asyncio.Event()
        self.tasks = {_name(loop): asyncio.create_task(loop(stop)) for loop in self.loops}
        for task in self.tasks.values():
            task.add_done_callback(_report_crash)
        await self.broker.start()
        try:
            yield
        finally:
            await self._shut_down(stop, list(self.tasks.values()))

    async def _shut_down(self, stop: asyncio.Event, tasks: list[asyncio.Task[None]]) -> None:
        await self.broker.stop()
        stop.set()
        # A loop that crashed was reported when it did; stopping the others is what is left.
        await asyncio.gather(*tasks, return_exceptions=True)
        for hook in reversed(self.on_shutdown):
            await hook()
        await self.mongo.close()
        if self.tracer_provider is not None:
            self.tracer_provider.shutdown()  # flushes spans still batched


def _report_crash(task: "asyncio.Task[None]") -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("background loop crashed; the service is unready", exc_info=task.exception())


def _name(loop: BackgroundLoop) -> str:
    return getattr(loop, "__qualname__", repr(loop))


def serve(app: FastAPI, settings: ServiceSettings) -> None:
    """Run one service process until SIGINT/SIGTERM."""
    uvicorn.run(
        app,
        host=settings.http_host,
        port=settings.http_port,
        log_config=None,
        access_log=False,
        lifespan="on",
    )
