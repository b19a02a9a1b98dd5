"""Liveness and readiness of one service process.

- ``GET /health/live``: the process serves HTTP (``/health`` is the same, for scripts).
- ``GET /health/ready``: MongoDB and Kafka answer, every background loop (outbox relay,
  timers) is still running, and the outbox holds no more than the allowed backlog of
  pending and parked messages. 503 with the failing checks otherwise, so that an
  orchestrator stops routing to a replica whose loop died instead of it silently stopping.
"""

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI
from fastapi.responses import JSONResponse

Probe = Callable[[], Awaitable[tuple[bool, object]]]
PROBE_TIMEOUT_S = 2.0


@dataclass
class Readiness:
    """Named probes, each answering (ok, detail)."""

    probes: dict[str, Probe] = field(default_factory=dict)

    def add(self, name: str, probe: Probe) -> None:
        self.probes[name] = probe

    async def check(self) -> tuple[bool, dict[str, Any]]:
        names = list(self.probes)
        results = await asyncio.gather(*(_bounded(self.probes[n]) for n in names))
        checks = {
            n: {"ok": ok, "detail": detail} for n, (ok, detail) in zip(names, results, strict=True)
        }
        return all(ok for ok, _ in results), checks


async def _bounded(probe: Probe) -> tuple[bool, object]:
    try:
        return await asyncio.wait_for(probe(), PROBE_TIMEOUT_S)
    except TimeoutError:
        return False, f"no answer within {PROBE_TIMEOUT_S}s"
    except Exception as error:  # noqa: BLE001 - a failing probe is the answer, not a crash
        return False, f"{type(error).__name__}: {error}"


def loops_alive(tasks: Callable[[], Mapping[str, "asyncio.Task[None]"]]) -> Probe:
    async def probe() -> tuple[bool, object]:
        dead = {name: _why(task) for name, task in tasks().items() if task.done()}
        return not dead, dead or "running"

    return probe


def _why(task: "asyncio.Task[None]") -> str:
    if task.cancelled():
        return "cancelled"
    error = task.exception()
    return f"{type(error).__name__}: {error}" if error else "returned"


def install_health(app: FastAPI, readiness: Readiness) -> None:
    async def live() -> dict[str, str]:
        return {"status": "ok"}

    async def ready() -> JSONResponse:
        ok, checks = await readiness.check()
        body = {"status": "ready" if ok else "unready", "checks": checks}
        return JSONResponse(status_code=200 if ok else 503, content=body)

    for path in ("/health", "/health/live"):
        app.add_api_route(path, live, methods=["GET"], include_in_schema=False)
    app.add_api_route("/health/ready", ready, methods=["GET"], include_in_schema=False)
