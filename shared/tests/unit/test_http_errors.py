"""The error answers every service shares: a transient database failure is a 503 with
Retry-After that says nothing was changed, never a 500."""

import httpx
from fastapi import FastAPI

from shared.errors import TransientConflict
from shared.http import install_http_basics


async def test_a_transient_database_failure_is_a_503_asking_to_retry():
    app = FastAPI()
    install_http_basics(app)

    @app.get("/tickets")
    async def tickets() -> None:
        raise TransientConflict("127.0.0.1:27017: connection closed")

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://service") as client:
        answer = await client.get("/tickets")
    assert answer.status_code == 503
    assert answer.headers["Retry-After"] == "1"
    assert "retry" in answer.json()["detail"]["message"]
