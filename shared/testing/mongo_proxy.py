"""A TCP proxy in front of the test MongoDB that sees every command passing through it.

Fault-injection tests point a service at the proxy and act at an exact moment of the wire
conversation, e.g. kill the service while one of its transactions holds a write on the
server (see :class:`KillInsideTransaction`). Bytes are forwarded unchanged.
"""

import asyncio
import contextlib
import struct
from collections.abc import Callable
from typing import Any

import bson

OP_MSG = 2013
_HEADER = struct.Struct("<iiii")  # messageLength, requestID, responseTo, opCode
_WRITES = frozenset({"insert", "update", "delete", "findAndModify"})

# Sees each client command before it is forwarded; returning False drops the connection.
CommandHook = Callable[[dict[str, Any]], bool]


def command_of(message: bytes) -> dict[str, Any] | None:
    """The command document of an OP_MSG (its body section), else None."""
    _length, _request, _response_to, op_code = _HEADER.unpack_from(message)
    if op_code != OP_MSG or message[_HEADER.size + 4] != 0:
        return None
    body_start = _HEADER.size + 5
    (size,) = struct.unpack_from("<i", message, body_start)
    return dict(bson.decode(message[body_start : body_start + size]))


async def _read_message(reader: asyncio.StreamReader) -> bytes:
    header = await reader.readexactly(4)
    (length,) = struct.unpack("<i", header)
    return header + await reader.readexactly(length - 4)


class MongoWireProxy:
    def __init__(self, upstream_host: str, upstream_port: int, hook: CommandHook) -> None:
        self._upstream = (upstream_host, upstream_port)
        self._hook = hook
        self._server: asyncio.Server | None = None
        self._connections: set[asyncio.Task[None]] = set()
        self.port = 0

    @property
    def url(self) -> str:
        return f"mongodb://127.0.0.1:{self.port}/?directConnection=true"

    async def __aenter__(self) -> "MongoWireProxy":
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        for task in list(self._connections):
            task.cancel()
        await asyncio.gather(*self._connections, return_exceptions=True)
        await self._server.wait_closed()

    async def _serve(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._connections.add(task)
        server_r, server_w = await asyncio.open_connection(*self._upstream)
        replies = asyncio.create_task(self._pipe(server_r, client_w))
        try:
            await self._forward_commands(client_r, server_w)
        finally:
            replies.cancel()
            for writer in (client_w, server_w):
                writer.close()
            await asyncio.gather(replies, return_exceptions=True)
            self._connections.discard(task)

    async def _forward_commands(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        with contextlib.suppress(asyncio.IncompleteReadError, ConnectionError):
            while True:
                message = await _read_message(reader)
                command = command_of(message)
                if command is not None and not self._hook(command):
                    return
                writer.write(message)
                await writer.drain()

    @staticmethod
    async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(asyncio.IncompleteReadError, ConnectionError):
            while True:
                writer.write(await _read_message(reader))
                await writer.drain()


class KillInsideTransaction:
    """A hook that calls ``kill`` at the first statement that follows a write acknowledged
    inside a transaction, once ``arm_after`` transactions have committed: at that moment the
    server holds the write of a transaction its client will never finish."""

    def __init__(self, arm_after: int) -> None:
        # Set once the process exists: it is configured with the proxy's address.
        self.kill: Callable[[], None] = _nothing_to_kill
        self._arm_after = arm_after
        self._commits = 0
        self._written: set[tuple[bytes, int]] = set()
        self.fired_on: dict[str, Any] | None = None

    def __call__(self, command: dict[str, Any]) -> bool:
        if self.fired_on is not None or command.get("autocommit") is not False:
            return True
        txn = (bytes(command["lsid"]["id"]), int(command["txnNumber"]))
        if "commitTransaction" in command:
            self._commits += 1
        if txn in self._written and self._commits >= self._arm_after:
            self.fired_on = command
            self.kill()
            return False
        if _WRITES & command.keys():
            self._written.add(txn)
        return True


def _nothing_to_kill() -> None:
    raise RuntimeError("KillInsideTransaction.kill was never set")
