import hashlib
import hmac

import pytest

from services.notify.domain.webhooks import (
    backoff_s,
    sign,
    temporary_status,
    unreachable_from_outside,
    verify,
)

SECRET = "s3cr3t"
SECRETS = {"k1": SECRET, "k0": "old secret"}
BODY = '{"event":"ticket.closed","note":"已关闭"}'.encode()
NOW = 1_700_000_000


def test_header_has_the_documented_format():
    expected = hmac.new(SECRET.encode(), f"{NOW}.".encode() + BODY, hashlib.sha256).hexdigest()
    assert sign(SECRET, "k1", NOW, BODY) == f"t={NOW},kid=k1,v1={expected}"


def test_round_trip():
    assert verify(sign(SECRET, "k1", NOW, BODY), SECRETS, BODY, now=NOW)


def test_the_key_id_picks_the_secret():
    assert verify(sign("old secret", "k0", NOW, BODY), SECRETS, BODY, now=NOW)
    assert not verify(sign("old secret", "k1", NOW, BODY), SECRETS, BODY, now=NOW)


def test_wrong_secret():
    assert not verify(sign("guessed", "k1", NOW, BODY), SECRETS, BODY, now=NOW)


def test_tampered_body():
    header = sign(SECRET, "k1", NOW, BODY)
    assert not verify(header, SECRETS, BODY.replace(b"closed", b"opened"), now=NOW)
    assert not verify(header, SECRETS, BODY + b" ", now=NOW)


def test_tampered_timestamp():
    header = sign(SECRET, "k1", NOW, BODY).replace(f"t={NOW}", f"t={NOW + 1}")
    assert not verify(header, SECRETS, BODY, now=NOW)


def test_unknown_key_id():
    assert not verify(sign(SECRET, "k9", NOW, BODY), SECRETS, BODY, now=NOW)


GOOD_V1 = "a" * 64


@pytest.mark.parametrize(
    "header",
    [
        "",
        "garbage",
        f"t={NOW},kid=k1",
        f"kid=k1,v1={GOOD_V1}",
        f"t={NOW},v1={GOOD_V1}",
        f"t={NOW},kid=k1,v1={GOOD_V1},extra=1",
        f"t={NOW},t={NOW},kid=k1,v1={GOOD_V1}",
        f"t={NOW},kid=k1,v1={GOOD_V1},v1={GOOD_V1}",
        f"t=,kid=k1,v1={GOOD_V1}",
        f"t=abc,kid=k1,v1={GOOD_V1}",
        f"t=-5,kid=k1,v1={GOOD_V1}",
        f"t=1_700_000_000,kid=k1,v1={GOOD_V1}",
        f"t=١٧٠٠٠٠٠٠٠٠,kid=k1,v1={GOOD_V1}",  # non-ASCII digits int() would accept
        f"t={NOW},kid=,v1={GOOD_V1}",
        f"t={NOW},kid=k1,v1=",
        f"t={NOW},kid=k1,v1={'a' * 63}",
        f"t={NOW},kid=k1,v1={'g' * 64}",
        f"t={NOW},kid=k1,v1={'é' * 64}",  # compare_digest would raise on non-ASCII
        f"t={NOW};kid=k1;v1={GOOD_V1}",
        f"t {NOW},kid k1,v1 {GOOD_V1}",
    ],
)
def test_malformed_headers_do_not_verify(header):
    assert verify(header, SECRETS, BODY, now=NOW) is False


def test_whitespace_around_fields_is_tolerated():
    header = sign(SECRET, "k1", NOW, BODY).replace(",", ", ")
    assert verify(header, SECRETS, BODY, now=NOW)


def test_replayed_old_timestamp():
    header = sign(SECRET, "k1", NOW - 301, BODY)
    assert not verify(header, SECRETS, BODY, now=NOW)
    assert verify(sign(SECRET, "k1", NOW - 300, BODY), SECRETS, BODY, now=NOW)


def test_future_timestamp():
    assert not verify(sign(SECRET, "k1", NOW + 301, BODY), SECRETS, BODY, now=NOW)
    assert verify(sign(SECRET, "k1", NOW + 300, BODY), SECRETS, BODY, now=NOW)


def test_tolerance_is_configurable():
    header = sign(SECRET, "k1", NOW - 10, BODY)
    assert not verify(header, SECRETS, BODY, now=NOW, tolerance_s=5)
    assert verify(header, SECRETS, BODY, now=NOW, tolerance_s=10)


@pytest.mark.parametrize("key_id", ["", "a,b", "a=b", "a\nb"])
def test_ambiguous_key_ids_are_refused(key_id):
    with pytest.raises(ValueError, match="key id"):
        sign(SECRET, key_id, NOW, BODY)


def test_negative_timestamp_is_refused():
    with pytest.raises(ValueError, match="negative"):
        sign(SECRET, "k1", -1, BODY)


@pytest.mark.parametrize(
    ("attempt", "expected"),
    [(1, 30.0), (2, 60.0), (3, 120.0), (4, 240.0), (7, 1920.0), (8, 3600.0), (9, 3600.0)],
)
def test_backoff_doubles_up_to_the_cap(attempt, expected):
    assert backoff_s(attempt) == expected


def test_backoff_with_own_base_and_cap():
    assert [backoff_s(a, base_s=1.0, cap_s=5.0) for a in range(1, 6)] == [1.0, 2.0, 4.0, 5.0, 5.0]


def test_backoff_of_a_huge_attempt_is_the_cap():
    assert backoff_s(10_000) == 3600.0


@pytest.mark.parametrize("attempt", [0, -1])
def test_backoff_counts_attempts_from_one(attempt):
    with pytest.raises(ValueError, match="from 1"):
        backoff_s(attempt)


@pytest.mark.parametrize(
    ("status", "temporary"),
    [(408, True), (429, True), (500, True), (503, True), (599, True),
     (302, False), (400, False), (401, False), (404, False), (410, False), (422, False)],
)  # fmt: skip
def test_temporary_statuses(status, temporary):
    assert temporary_status(status) is temporary


@pytest.mark.parametrize(
    "address",
    ["127.0.0.1", "::1", "10.1.2.3", "172.16.0.1", "192.168.0.10", "169.254.169.254",
     "100.64.0.1", "0.1.2.3", "::", "224.0.0.1", "fe80::1%eth0", "fd00::1", "::ffff:10.0.0.1"],
)  # fmt: skip
def test_addresses_of_the_deployments_own_network_are_refused(address):
    assert unreachable_from_outside(address)


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111"])
def test_public_addresses_are_allowed(address):
    assert not unreachable_from_outside(address)
