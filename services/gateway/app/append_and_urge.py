"""录入追加信息后再催单: append what the customer adds to an in-flight ticket as an internal
note for its handler, then urge it — one request for the agent, two commands at dispatch.

Each step goes through the forwarding of every command, under a key derived from the
request's ``Idempotency-Key``: a retry replays the note already appended (never a second
one) and sends only the urge that did not happen. When the urge fails after the note was
appended, the answer is a 409 saying what was done and what failed, never a silent half.
"""

import json
from dataclasses import dataclass
from typing import Any

from services.gateway.app.forwarding import Forwarding, send
from services.gateway.app.ports import ServiceRequest
from services.gateway.domain.callers import Caller
from services.gateway.domain.idempotency import StoredReply
from shared.errors import Conflict, RequestError

JSON = "application/json"


class UrgeFailedAfterAppend(Conflict):
    """The note was appended, the urge was not: ``done`` is the note, ``failed`` the urge
    with the status and answer it got (``allowed``: what dispatch allows now, if it said)."""

    def __init__(self, appended: Any, status: int, answer: Any) -> None:
        detail = answer.get("detail") if isinstance(answer, dict) else None
        allowed = detail.get("allowed", []) if isinstance(detail, dict) else []
        super().__init__(
            "the information was appended as an internal note, but the ticket was not urged",
            allowed if isinstance(allowed, list) else [],
        )
        self.appended = appended
        self.failure = {"step": "urge", "status": status, "answer": answer}

    def detail(self) -> dict[str, object]:
        done = [{"step": "append", "comment": self.appended}]
        return super().detail() | {"done": done, "failed": self.failure}


@dataclass(frozen=True)
class Appended:
    """Both steps done: the note (its id) and the work order as the urge left it."""

    comment: Any
    ticket: Any


async def append_and_urge(
    ticket_id: str, text: str, note: str | None, caller: Caller, key: str | None,
    ports: Forwarding,
) -> Appended | StoredReply:  # fmt: skip
    """``Appended``, or dispatch's refusal of the note as it answered it (nothing done)."""
    base = f"/work-orders/{ticket_id}"
    comment = ServiceRequest("dispatch", "POST", f"{base}/comments", _json({"body": text}), JSON)
    appended = await send(comment, caller, _step(key, "append"), ports)
    if not _ok(appended):
        return appended
    urge = ServiceRequest("dispatch", "POST", f"{base}/urge", _json({"note": note}), JSON)
    try:
        urged = await send(urge, caller, _step(key, "urge"), ports)
    except RequestError as error:  # dispatch unreachable or failing, the key still busy
        raise UrgeFailedAfterAppend(
            _body(appended), error.status_code, {"detail": error.detail()}
        ) from error
    if not _ok(urged):
        raise UrgeFailedAfterAppend(_body(appended), urged.status, _body(urged))
    return Appended(_body(appended), _body(urged))


def _step(key: str | None, step: str) -> str | None:
    return None if key is None else f"{key}#append-and-urge:{step}"


def _ok(reply: StoredReply) -> bool:
    return 200 <= reply.status < 300


def _json(body: dict[str, Any]) -> bytes:
    return json.dumps({k: v for k, v in body.items() if v is not None}).encode()


def _body(reply: StoredReply) -> Any:
    try:
        return json.loads(reply.body)
    except ValueError:
        return reply.body.decode(errors="replace")
