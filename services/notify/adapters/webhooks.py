"""Webhooks: a tenant's events POSTed, signed, to the URL of its subscription."""

import asyncio
import socket
import time
from collections.abc import Awaitable, Callable

import httpx

from services.notify.adapters.http_failures import failures_of
from services.notify.domain.channels import Message, SendFailed, Sent
from services.notify.domain.webhooks import (
    SIGNATURE_HEADER,
    sign,
    temporary_status,
    unreachable_from_outside,
)

DELIVERY_HEADER = "X-Ticketflow-Delivery"
USER_AGENT = "ticketflow-notify"
# Receivers are the tenants' servers, not ours: read no more of an error answer than the
# excerpt kept for the delivery's reason, however much they send.
_EXCERPT_BYTES = 500


async def _excerpt(response: httpx.Response) -> str:
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in response.aiter_bytes():
            chunks.append(chunk)
            size += len(chunk)
            if size >= _EXCERPT_BYTES:
                break
    except httpx.HTTPError:
        # The status already is the answer; the body is only a hint for the reason, and a
        # receiver that breaks off while sending it changes nothing about that answer.
        pass
    return b"".join(chunks)[:_EXCERPT_BYTES].decode("utf-8", errors="replace")


def _refusal(status: int, excerpt: str) -> SendFailed:
    if 300 <= status <= 399:
        return SendFailed(
            f"webhook receiver redirected ({status}); redirects are not followed",
            permanent=True,
        )
    return SendFailed(
        f"webhook receiver answered {status}: {excerpt}", permanent=not temporary_status(status)
    )


Resolve = Callable[[str], Awaitable[list[str]]]


async def resolve_host(host: str) -> list[str]:
    """Every address ``host`` resolves to (a literal address is itself)."""
    found = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in found]


class WebhookSender:
    """One POST per delivery, body as rendered (the event as JSON), signed with the
    subscription's key. ``X-Ticketflow-Delivery`` is the same on every attempt, so a
    receiver can drop a resend after a crash.

    Redirects are not followed: the signed body would go to a place the tenant did not
    register, possibly another party's, and a replay within the tolerance would pass there.
    A 3xx fails permanently; the tenant fixes the URL of the subscription.

    A tenant's URL must not reach this deployment's own network (its databases, a cloud's
    metadata service): unless ``allow_private`` (receivers inside a company network), a host
    that resolves to any such address fails permanently before anything is sent. The check
    resolves the name itself just before the request; a name whose answer changes within
    that moment (DNS rebinding) is not caught here — an egress firewall is the place for
    that."""

    def __init__(
        self,
        timeout_s: float = 10.0,
        clock: Callable[[], float] = time.time,
        *,
        allow_private: bool = False,
        resolve: Resolve = resolve_host,
    ) -> None:
        self._timeout_s = timeout_s
        self._clock = clock
        self._allow_private = allow_private
        self._resolve = resolve
        # Constructing a client opens nothing; connections are made (and pooled) on use.
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(timeout_s),
            follow_redirects=False,
            headers={"User-Agent": USER_AGENT},
        )

    async def send(self, message: Message) -> Sent:
        body = message.body.encode("utf-8")
        headers = {
            "Content-Type": "application/json",
            DELIVERY_HEADER: message.delivery_id,
            SIGNATURE_HEADER: self._signature(message, body),
        }
        status, excerpt = await self._post(message.address, body, headers)
        if not 200 <= status <= 299:
            raise _refusal(status, excerpt)
        return Sent()

    def _signature(self, message: Message, body: bytes) -> str:
        secret, key_id = message.signing_secret, message.signing_key_id
        if not secret or not key_id:
            # Sending unsigned would teach receivers to accept unsigned requests.
            raise SendFailed("the webhook has no signing key", permanent=True)
        try:
            return sign(secret, key_id, int(self._clock()), body)
        except ValueError as exc:
            raise SendFailed(f"cannot sign the webhook: {exc}", permanent=True) from exc

    async def _check_destination(self, url: str) -> None:
        host = httpx.URL(url).host
        if self._allow_private or not host:
            return  # no host: httpx refuses the URL as unusable
        for address in await self._resolve(host):
            if unreachable_from_outside(address):
                raise SendFailed(
                    f"webhook URL host {host} is the address {address}, inside this "
                    "deployment's network; webhooks go to public receivers only "
                    "(TICKETFLOW_WEBHOOK_ALLOW_PRIVATE=true allows others)",
                    permanent=True,
                )

    async def _post(self, url: str, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
        # httpx's timeout bounds each read; this bounds the whole exchange, so a receiver
        # trickling its answer cannot hold a sender slot.
        with failures_of("webhook", "webhook receiver"):
            await self._check_destination(url)
            async with (
                asyncio.timeout(self._timeout_s),
                self._client.stream("POST", url, content=body, headers=headers) as response,
            ):
                excerpt = "" if response.is_success else await _excerpt(response)
                return response.status_code, excerpt

    async def aclose(self) -> None:
        await self._client.aclose()
