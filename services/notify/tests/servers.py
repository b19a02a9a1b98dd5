"""Local servers the notify tests talk to: an SMTP server (aiosmtpd) that refuses
scripted recipients as a real one would, and an HTTP receiver (uvicorn) that records every
request and answers scripted statuses — for SMS gateways and webhook receivers."""

import asyncio
import json
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import uvicorn
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope

from deploy.local.ports import free_port

NOBODY, LATER, SPAM = "nobody@example.com", "later@example.com", "spam@example.com"

# --- SMTP -------------------------------------------------------------------------------


class Mailbox:
    """Records accepted envelopes; refuses scripted recipients as a real server would."""

    def __init__(self) -> None:
        self.envelopes: list[Envelope] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == NOBODY:
            return "550 5.1.1 no such user"
        if address == LATER:
            return "451 4.3.0 try later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if SPAM in envelope.rcpt_tos:
            return "554 5.7.1 message content rejected"
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


@dataclass
class SmtpServer:
    mailbox: Mailbox
    port: int


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield SmtpServer(mailbox, controller.port)
    finally:
        controller.stop()


# --- HTTP -------------------------------------------------------------------------------


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """Records every request and answers the scripted (status, body, headers) in turn,
    then 200 with an empty JSON object."""

    url: str = ""
    requests: list[Request] = field(default_factory=list)
    answers: list[tuple[int, bytes, dict[str, str]]] = field(default_factory=list)

    def answer(self, status: int, body: Any = None, headers: dict[str, str] | None = None):
        payload = body if isinstance(body, bytes) else json.dumps(body or {}).encode()
        self.answers.append((status, payload, headers or {"content-type": "application/json"}))

    async def app(self, scope, receive, send) -> None:
        body, more = b"", True
        while more:
            event = await receive()
            body += event.get("body", b"")
            more = event.get("more_body", False)
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        self.requests.append(Request(scope["method"], scope["path"], headers, body))
        status, payload, extra = self.answers.pop(0) if self.answers else (200, b"{}", {})
        await send({"type": "http.response.start", "status": status,
                    "headers": [(k.encode(), v.encode()) for k, v in extra.items()]})  # fmt: skip
        await send({"type": "http.response.body", "body": payload})


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    recording = Receiver()
    port = free_port()
    config = uvicorn.Config(
        recording.app, host="127.0.0.1", port=port, lifespan="off", interface="asgi3",
        log_level="warning", access_log=False, timeout_graceful_shutdown=1,
    )  # fmt: skip
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()  # it failed to start: show why
        await asyncio.sleep(0.01)
    recording.url = f"http://127.0.0.1:{port}"
    yield recording
    server.should_exit = True
    await task
