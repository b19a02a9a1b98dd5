"""/health/live and /health/ready of a service built by the kit, against the real servers."""

import asyncio

from shared.service import ServiceKit
from shared.settings import StandardSettings
from shared.testing.apps import running


class Settings(StandardSettings):
    service_name: str = "health-test"
    mongo_db: str = "unused"


async def test_ready_while_everything_runs_and_unready_once_a_loop_died(
    service_settings, mongo_client
):
    settings = service_settings(Settings)
    kit = ServiceKit(settings)
    failing = asyncio.Event()

    async def timers(stop: asyncio.Event) -> None:
        await failing.wait()
        raise RuntimeError("timer loop bug")

    app = kit.app(
        context=kit, routers=[], indexes={}, produces=[kit.topics.dispatch_events],
        loops=[timers],
    )  # fmt: skip
    try:
        async with running(app) as client:
            live = await client.get("/health/live")
            ready = await client.get("/health/ready")
            failing.set()
            await asyncio.sleep(0.05)
            unready = await client.get("/health/ready")
    finally:
        await mongo_client.drop_database(settings.mongo_db)
    assert live.status_code == 200
    assert ready.status_code == 200, ready.text
    assert set(ready.json()["checks"]) == {
        "mongodb", "kafka", "loops", "outbox_pending", "outbox_parked",
    }  # fmt: skip
    assert ready.json()["checks"]["outbox_parked"]["detail"] == "0 parked (at most 100)"
    assert unready.status_code == 503
    loops = unready.json()["checks"]["loops"]
    assert loops["ok"] is False
    assert list(loops["detail"].values()) == ["RuntimeError: timer loop bug"]
