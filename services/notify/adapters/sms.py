"""Text messages: a generic HTTP SMS gateway, and a file sink for local runs."""

import asyncio
import json
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from services.notify.adapters.http_failures import failures_of
from services.notify.domain.channels import Message, SendFailed, Sent
from services.notify.domain.webhooks import temporary_status

DEFAULT_BODY_TEMPLATE: Mapping[str, Any] = {
    "to": "{to}",
    "text": "{text}",
    "from": "{sender}",
    "reference": "{reference}",
}
_PLACEHOLDER = re.compile(r"\{(to|text|sender|reference)\}")
_EXCERPT = 200


@dataclass(frozen=True)
class HttpSmsConfig:
    url: str
    auth_header: str | None = None  # the Authorization value, e.g. "Bearer xyz"
    sender_id: str | None = None
    # The JSON body, with "{to}", "{text}", "{sender}" and "{reference}" in its strings.
    body_template: Mapping[str, Any] = field(default_factory=lambda: dict(DEFAULT_BODY_TEMPLATE))
    timeout_s: float = 10.0
    message_id_field: str = "message_id"  # in the gateway's JSON answer

    def __post_init__(self) -> None:
        header = self.auth_header
        if header is not None and (not header.isascii() or not header.isprintable()):
            raise ValueError("auth_header must be printable ASCII (an HTTP header value)")


def fill_template(template: Any, values: Mapping[str, str | None]) -> Any:
    """``template`` with its placeholders replaced, recursively, by ``values`` (keyed
    without braces), at the level of JSON values: each value is substituted as a whole
    string, so JSON escaping is left to the serialiser and a quote or a newline in a text
    cannot break (or inject into) the body. Keys are kept as they are.

    A dict entry that is exactly a placeholder whose value is None (no sender id
    configured) is left out, so the gateway falls back to its own default; within a longer
    string such a placeholder becomes empty."""
    if isinstance(template, str):
        return _fill_string(template, values)
    if isinstance(template, Mapping):
        return {
            key: fill_template(item, values)
            for key, item in template.items()
            if not _absent(item, values)
        }
    if isinstance(template, list | tuple):
        return [fill_template(item, values) for item in template]
    return template


def _absent(item: Any, values: Mapping[str, str | None]) -> bool:
    whole = _PLACEHOLDER.fullmatch(item) if isinstance(item, str) else None
    return whole is not None and values.get(whole.group(1)) is None


def _fill_string(text: str, values: Mapping[str, str | None]) -> str:
    # One pass: a text that itself contains "{sender}" is not substituted again.
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1)) or "", text)


def _provider_id(response: httpx.Response, field_name: str) -> str | None:
    try:
        answer = response.json()
    except ValueError:  # not JSON (json.JSONDecodeError, UnicodeDecodeError): no id given
        return None
    value = answer.get(field_name) if isinstance(answer, dict) else None
    if isinstance(value, str | int) and not isinstance(value, bool):
        return str(value)
    return None


def _refusal(response: httpx.Response) -> SendFailed:
    excerpt = response.text[:_EXCERPT]
    return SendFailed(
        f"SMS gateway answered {response.status_code}: {excerpt}",
        permanent=not temporary_status(response.status_code),
    )


class HttpSmsGateway:
    """POSTs one JSON request per message. The delivery id goes as ``Idempotency-Key`` and
    as the reference, so a gateway that honours either drops a resend after a crash."""

    def __init__(self, config: HttpSmsConfig) -> None:
        self._config = config
        # Constructing a client opens nothing; connections are made (and pooled) on use.
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(config.timeout_s), follow_redirects=False
        )

    async def send(self, message: Message) -> Sent:
        response = await self._post(message)
        if not response.is_success:
            raise _refusal(response)
        return Sent(provider_message_id=_provider_id(response, self._config.message_id_field))

    async def _post(self, message: Message) -> httpx.Response:
        config = self._config
        values = {"to": message.address, "text": message.body, "sender": config.sender_id,
                  "reference": message.delivery_id}  # fmt: skip
        headers = {"Idempotency-Key": message.delivery_id}
        if config.auth_header is not None:
            headers["Authorization"] = config.auth_header
        # httpx's timeout bounds each read; this bounds the whole exchange.
        with failures_of("SMS gateway", "SMS gateway"):
            async with asyncio.timeout(config.timeout_s):
                return await self._client.post(
                    config.url, json=fill_template(config.body_template, values), headers=headers
                )

    async def aclose(self) -> None:
        await self._client.aclose()


class FileSmsSink:
    """For local runs: each message appended to a file as one JSON line, sent nowhere."""

    def __init__(self, path: Path | str, clock: Callable[[], datetime] | None = None) -> None:
        self._path = Path(path)
        self._clock = clock or (lambda: datetime.now(UTC))
        # Appends run on several threads at once; a long line is more than one write().
        self._lock = threading.Lock()

    async def send(self, message: Message) -> Sent:
        line = json.dumps(
            {"delivery_id": message.delivery_id, "to": message.address, "text": message.body,
             "tenant_id": message.tenant_id, "ticket_id": message.ticket_id,
             "at": self._clock().isoformat()},
            ensure_ascii=False,
        )  # fmt: skip
        try:
            # Off the event loop: a slow disk must not stall every other delivery.
            await asyncio.to_thread(self._append, line)
        except OSError as exc:
            raise SendFailed(f"cannot write {self._path}: {exc}", permanent=False) from exc
        return Sent(provider_message_id=message.delivery_id)

    def _append(self, line: str) -> None:
        with self._lock:
            self._path.parent.mkdir(parents=True, exist_ok=True)
            with self._path.open("a", encoding="utf-8") as sink:
                sink.write(line + "\n")

    async def aclose(self) -> None:
        """Nothing to close: the file is opened per message."""
