"""The services behind the gateway, over HTTP on the internal network.

Only the gateway names the actor: the headers sent are built here from the verified
caller, never copied from the client's request, so a client's own ``X-Actor-*`` headers
never reach a service.
"""

from collections.abc import Mapping

import httpx

from services.gateway.app.ports import ServiceRequest
from services.gateway.domain.callers import Caller
from services.gateway.domain.idempotency import StoredReply
from shared.errors import RequestError


class ServiceUnavailable(RequestError):
    status_code = 503


class BadGateway(RequestError):
    status_code = 502


class HttpServices:
    def __init__(self, clients: Mapping[str, httpx.AsyncClient]) -> None:
        self._clients = clients

    async def send(self, request: ServiceRequest, caller: Caller) -> StoredReply:
        headers = {"X-Actor-Id": caller.username, "X-Actor-Role": caller.acting_role.value}
        if request.content_type:
            headers["Content-Type"] = request.content_type
        if request.if_match is not None:
            headers["If-Match"] = request.if_match
        try:
            response = await self._clients[request.service].request(
                request.method, request.path, content=request.body or None,
                params=dict(request.params), headers=headers,
            )  # fmt: skip
        except httpx.HTTPError as error:
            raise ServiceUnavailable(f"{request.service} did not answer: {error}") from error
        if response.status_code >= 500:
            raise BadGateway(f"{request.service} failed with {response.status_code}")
        content_type = response.headers.get("content-type", "application/json")
        return StoredReply(response.status_code, content_type, response.content)
