"""``Idempotency-Key``: a retried POST answers what the first one did and does nothing twice.

A key belongs to one caller; it remembers the request it came with by a fingerprint, so the
same key with another request is refused (422) rather than answered with an unrelated
result. A key whose first request is still running is a 409; one whose first request
died mid-way (the gateway crashed) may be taken over once it is older than ``stale_after``.
Only a reply the service decided is kept: a 5xx or an unreachable service decided nothing,
so the key stays free for the retry.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from shared.errors import Conflict, InvalidFields

KEY_FIELD = "Idempotency-Key"


@dataclass(frozen=True)
class StoredReply:
    status: int
    content_type: str
    body: bytes


@dataclass(frozen=True)
class KeyRecord:
    fingerprint: str
    claimed_at: datetime
    reply: StoredReply | None


def fingerprint(method: str, path: str, content_type: str, body: bytes) -> str:
    """What tells two requests apart. A multipart body's boundary is the client's random
    choice, new on every retry, so it is left out: a retried upload is the same request."""
    content_type, body = _without_boundary(content_type, body)
    digest = hashlib.sha256()
    for part in (method.encode(), path.encode(), content_type.encode(), body):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def _without_boundary(content_type: str, body: bytes) -> tuple[str, bytes]:
    kind, _, parameters = content_type.partition(";")
    if kind.strip().lower() != "multipart/form-data":
        return content_type, body
    for parameter in parameters.split(";"):
        name, _, value = parameter.strip().partition("=")
        if name.lower() == "boundary" and value.strip('"'):
            return "multipart/form-data", body.replace(value.strip('"').encode(), b"")
    return content_type, body


def replay(
    record: KeyRecord, print_: str, now: datetime, stale_after: timedelta
) -> StoredReply | None:
    """What a request with an already used key gets: the first reply, or ``None`` when the
    first request died and this one takes the key over."""
    if record.fingerprint != print_:
        raise InvalidFields({KEY_FIELD: "was used before with another request"})
    if record.reply is not None:
        return record.reply
    if now - record.claimed_at < stale_after:
        raise Conflict(f"a request with this {KEY_FIELD} is still being processed")
    return None
