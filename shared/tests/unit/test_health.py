import asyncio

from shared.health import Readiness, loops_alive


async def fine():
    return True, "ok"


async def broken():
    raise ConnectionError("refused")


async def stuck():
    await asyncio.sleep(60)
    return True, "late"


async def test_ready_only_when_every_probe_is_ok():
    readiness = Readiness({"mongodb": fine, "kafka": broken})
    ok, checks = await readiness.check()
    assert ok is False
    assert checks == {
        "mongodb": {"ok": True, "detail": "ok"},
        "kafka": {"ok": False, "detail": "ConnectionError: refused"},
    }


async def test_a_probe_that_does_not_answer_fails_in_bounded_time(monkeypatch):
    monkeypatch.setattr("shared.health.PROBE_TIMEOUT_S", 0.05)
    ok, checks = await Readiness({"mongodb": stuck}).check()
    assert ok is False
    assert "no answer" in checks["mongodb"]["detail"]


async def test_a_loop_that_crashed_makes_the_service_unready():
    async def crashes():
        raise RuntimeError("relay bug")

    crashed = asyncio.create_task(crashes())
    running = asyncio.create_task(asyncio.sleep(60))
    await asyncio.sleep(0)
    ok, detail = await loops_alive(lambda: {"OutboxRelay.run": crashed, "Timers.run": running})()
    running.cancel()
    assert ok is False
    assert detail == {"OutboxRelay.run": "RuntimeError: relay bug"}
