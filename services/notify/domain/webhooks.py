"""Outgoing webhooks: the signature a receiver checks, the retry schedule, and which HTTP
answers are worth retrying.

The ``X-Ticketflow-Signature`` header is ``t=<unix seconds>,kid=<key id>,v1=<hex>``, where
``v1`` is HMAC-SHA256 with the subscription's secret over ``f"{t}."`` followed by the raw
body. The timestamp is signed so a captured request cannot be replayed later; the key id
lets a tenant rotate secrets while both the old and the new one are accepted.
"""

import hashlib
import hmac
import ipaddress
import re
from collections.abc import Mapping

SIGNATURE_HEADER = "X-Ticketflow-Signature"
DEFAULT_TOLERANCE_S = 300

_TIMESTAMP = re.compile(r"[0-9]{1,15}")
_HEX_DIGEST = re.compile(r"[0-9a-f]{64}")
_FIELDS = frozenset({"t", "kid", "v1"})


def _digest(secret: str, timestamp: int, body: bytes) -> str:
    signed = f"{timestamp}.".encode() + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def sign(secret: str, key_id: str, timestamp: int, body: bytes) -> str:
    """The ``X-Ticketflow-Signature`` value for ``body`` sent at ``timestamp``.

    Raises ``ValueError`` for a key id that would make the header ambiguous to parse."""
    if not key_id or "," in key_id or "=" in key_id or not key_id.isprintable():
        raise ValueError(f"a key id must be non-empty, printable, without ',' or '=': {key_id!r}")
    if timestamp < 0:
        raise ValueError(f"a timestamp cannot be negative: {timestamp}")
    return f"t={timestamp},kid={key_id},v1={_digest(secret, timestamp, body)}"


def _parse(header: str) -> dict[str, str] | None:
    fields: dict[str, str] = {}
    for part in header.split(","):
        name, eq, value = part.strip().partition("=")
        if not eq or name not in _FIELDS or name in fields or not value:
            return None
        fields[name] = value
    if fields.keys() != _FIELDS:
        return None
    if not _TIMESTAMP.fullmatch(fields["t"]) or not _HEX_DIGEST.fullmatch(fields["v1"]):
        return None
    return fields


def verify(
    header: str,
    secrets: Mapping[str, str],
    body: bytes,
    now: int,
    tolerance_s: int = DEFAULT_TOLERANCE_S,
) -> bool:
    """What a receiver does: True if ``header`` signs ``body`` with the secret of its key id
    (from ``secrets``) at a time within ``tolerance_s`` of ``now`` either way."""
    fields = _parse(header)
    if fields is None:
        return False
    secret = secrets.get(fields["kid"])
    if secret is None:
        return False
    timestamp = int(fields["t"])
    if abs(now - timestamp) > tolerance_s:
        return False
    # Constant time: a comparison that stops at the first wrong byte leaks the digest.
    return hmac.compare_digest(_digest(secret, timestamp, body), fields["v1"])


def backoff_s(attempt: int, base_s: float = 30.0, cap_s: float = 3600.0) -> float:
    """Seconds to wait after failed attempt ``attempt`` (1, 2, …): doubling from ``base_s``,
    at most ``cap_s``.

    Deterministic, without jitter: jitter exists to spread clients that would otherwise
    retry in lockstep, but a retry here is persisted as its delivery's own due time, which
    already differs per delivery (each failed at its own moment), so the retries are spread
    by their timestamps — and a fixed schedule is one tests and operators can predict."""
    if attempt < 1:
        raise ValueError(f"attempts count from 1, not {attempt}")
    # Bounded exponent: 2.0 ** 1024 overflows; past that the cap has long applied anyway.
    return min(cap_s, base_s * 2.0 ** min(attempt - 1, 1000))


def temporary_status(status: int) -> bool:
    """Whether a non-2xx HTTP answer from a webhook receiver or an SMS gateway may succeed
    when sent again: 408 Request Timeout, 429 Too Many Requests and any 5xx. Everything
    else (other 4xx, 410 Gone, a redirect that is not followed) is permanent."""
    return status in (408, 429) or 500 <= status <= 599


def unreachable_from_outside(address: str) -> bool:
    """Whether a webhook to ``address`` would reach this deployment's own network rather
    than a tenant's public server: loopback, private, link-local (cloud metadata at
    169.254.169.254), shared, multicast, reserved or unspecified addresses."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # an IPv6 zone says nothing here
    mapped = ip.ipv4_mapped if isinstance(ip, ipaddress.IPv6Address) else None
    checked = mapped or ip
    return checked.is_multicast or not checked.is_global
