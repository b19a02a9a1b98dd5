"""A delivery's life: stable ids, retries with persisted backoff, giving up, and one
status event for every status it takes."""

from datetime import UTC, datetime, timedelta

from services.notify.adapters.documents import delivery_document
from services.notify.domain.channels import Channel, SendFailed, Sent
from services.notify.domain.deliveries import Delivery, RetryPolicy, delivery_id
from shared.events.notify import DeliveryStatus

T0 = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)


def queued() -> Delivery:
    return Delivery(
        delivery_id("e-1", "li.wei", Channel.SMS), "e-1", "demo", "t-1", "ticket_transferred",
        Channel.SMS, "li.wei", "+8613900000000", "zh-CN", {}, DeliveryStatus.QUEUED, T0,
        next_attempt_at=T0,
    )  # fmt: skip


def test_one_id_per_event_recipient_and_channel() -> None:
    ids = {delivery_id(e, r, c) for e in ("e-1", "e-2") for r in ("a", "b") for c in Channel}
    assert len(ids) == 2 * 2 * len(Channel)
    assert delivery_id("e-1", "a", Channel.SMS) == delivery_id("e-1", "a", Channel.SMS)


def test_a_temporary_failure_is_retried_later_and_announced() -> None:
    d, retry = queued(), RetryPolicy(max_attempts=3, base_s=30)
    d.failed(SendFailed("451 try later", permanent=False), T0, retry)
    d.failed(SendFailed("451 try later", permanent=False), T0, retry)
    assert (d.status, d.attempts, d.next_attempt_at) == (
        DeliveryStatus.FAILED_TEMPORARY, 2, T0 + timedelta(seconds=60),
    )  # fmt: skip
    assert d.pending
    assert [e.payload.status for e in d.events] == [DeliveryStatus.FAILED_TEMPORARY] * 2


def test_out_of_attempts_it_is_given_up_with_the_last_error() -> None:
    d, retry = queued(), RetryPolicy(max_attempts=2)
    for _ in range(2):
        d.failed(SendFailed("connection refused", permanent=False), T0, retry)
    assert d.status is DeliveryStatus.FAILED_PERMANENT
    assert d.reason == "gave up after 2 attempts: connection refused"
    assert not d.pending
    assert d.next_attempt_at is None


def test_a_permanent_failure_is_final_at_once() -> None:
    d = queued()
    d.failed(SendFailed("550 no such user", permanent=True), T0, RetryPolicy())
    assert (d.status, d.reason, d.attempts) == (
        DeliveryStatus.FAILED_PERMANENT, "550 no such user", 1,
    )  # fmt: skip


def test_sent_keeps_the_providers_id_and_drops_the_claim() -> None:
    d = queued()
    d.claim = "notify-1/abc"
    d.succeeded(Sent("msg-42"), T0)
    assert (d.status, d.provider_message_id, d.claim, d.pending) == (
        DeliveryStatus.SENT, "msg-42", None, False,
    )  # fmt: skip
    (event,) = d.events
    assert (event.ticket_id, event.payload.recipient, event.payload.channel) == (
        "t-1", "li.wei", "sms",
    )  # fmt: skip


def test_postponing_is_not_an_attempt_and_publishes_nothing() -> None:
    d = queued()
    d.postpone(T0 + timedelta(minutes=5), "the subscription is paused")
    assert (d.attempts, d.events, d.next_attempt_at) == (0, [], T0 + timedelta(minutes=5))
    assert d.pending


def test_backoff_doubles_up_to_its_cap() -> None:
    retry = RetryPolicy(base_s=30, cap_s=100)
    assert [retry.delay(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 100, 100]


def test_only_a_finished_delivery_is_given_a_date_to_expire_from() -> None:
    d, retry = queued(), RetryPolicy(max_attempts=3)
    assert delivery_document(d)["expires_from"] is None
    d.failed(SendFailed("451 try later", permanent=False), T0, retry)
    assert delivery_document(d)["expires_from"] is None  # a pending retry is never lost
    d.succeeded(Sent("m-1"), T0 + timedelta(minutes=1))
    assert delivery_document(d)["expires_from"] == T0


def test_a_rounds_deliveries_of_one_digest_go_together_and_the_rest_alone() -> None:
    from services.notify.app.sending import _by_digest

    claimed = [("a", "t|li|sms"), ("b", None), ("c", "t|li|sms"), ("d", "t|li|email"), ("e", None)]
    assert _by_digest(claimed) == [["a", "c"], ["b"], ["d"], ["e"]]
