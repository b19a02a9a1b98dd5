"""Idempotency-Key decisions: replay the first reply, refuse another request, wait for one
still running, take over one that died."""

from datetime import UTC, datetime, timedelta

import pytest

from services.gateway.domain.idempotency import KeyRecord, StoredReply, fingerprint, replay
from shared.errors import Conflict, InvalidFields

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
STALE = timedelta(seconds=60)
JSON = "application/json"
REPLY = StoredReply(200, JSON, b'{"status": "accepted"}')


def test_a_fingerprint_tells_requests_apart_by_method_target_type_and_body():
    base = fingerprint("POST", "dispatch:/work-orders/t-1/accept", JSON, b"{}")

    assert base == fingerprint("POST", "dispatch:/work-orders/t-1/accept", JSON, b"{}")
    assert base != fingerprint("POST", "dispatch:/work-orders/t-2/accept", JSON, b"{}")
    assert base != fingerprint("PUT", "dispatch:/work-orders/t-1/accept", JSON, b"{}")
    assert base != fingerprint("POST", "dispatch:/work-orders/t-1/accept", "text/plain", b"{}")
    assert base != fingerprint("POST", "dispatch:/work-orders/t-1/accept", JSON, b'{"a":1}')
    # Parts are length-prefixed: moving bytes from one part to the next is another request.
    assert fingerprint("POST", "ab", "c", b"") != fingerprint("POST", "a", "bc", b"")


def test_a_retried_upload_with_a_new_multipart_boundary_is_the_same_request():
    def upload(boundary: str, content: bytes) -> str:
        body = (
            (
                f"--{boundary}\r\nContent-Disposition: form-data; name=file; filename=a.png\r\n\r\n"
            ).encode()
            + content
            + f"\r\n--{boundary}--\r\n".encode()
        )
        kind = f'multipart/form-data; boundary="{boundary}"'
        return fingerprint("POST", "intake:/tickets/t-1/attachments", kind, body)

    assert upload("a1b2c3", b"PNG") == upload("zz99", b"PNG")
    assert upload("a1b2c3", b"PNG") != upload("a1b2c3", b"JPG")


def test_the_same_request_again_gets_the_first_reply():
    record = KeyRecord("f1", NOW - timedelta(hours=3), REPLY)

    assert replay(record, "f1", NOW, STALE) == REPLY


def test_the_key_with_another_request_is_a_422_naming_the_header():
    record = KeyRecord("f1", NOW, REPLY)

    with pytest.raises(InvalidFields) as refused:
        replay(record, "f2", NOW, STALE)
    assert set(refused.value.errors) == {"Idempotency-Key"}


def test_a_first_request_still_running_is_a_409():
    record = KeyRecord("f1", NOW - timedelta(seconds=5), None)

    with pytest.raises(Conflict, match="still being processed"):
        replay(record, "f1", NOW, STALE)


def test_a_first_request_that_died_long_ago_is_taken_over():
    record = KeyRecord("f1", NOW - STALE, None)

    assert replay(record, "f1", NOW, STALE) is None
