"""One notification to one recipient on one channel, from planning to its last status.

Its id is derived from (event, recipient, channel), so a redelivered event plans the same
ids again and the unique ``_id`` keeps one of each. Every status it takes is published as a
``notification.status_changed`` event for the ticket's processing history.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from uuid import NAMESPACE_URL, uuid5

from services.notify.domain.channels import Channel, SendFailed, Sent
from services.notify.domain.webhooks import backoff_s
from shared.events.notify import (
    DeliveryStatus,
    NotificationStatusChanged,
    NotificationStatusChangedPayload,
)

PENDING = frozenset({DeliveryStatus.QUEUED, DeliveryStatus.FAILED_TEMPORARY})
_NAMESPACE = uuid5(NAMESPACE_URL, "https://ticketflow/notify/deliveries")


def delivery_id(event_id: str, recipient: str, channel: Channel) -> str:
    return str(uuid5(_NAMESPACE, f"{event_id}/{recipient}/{channel.value}"))


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 8
    base_s: float = 30.0
    cap_s: float = 3600.0

    def delay(self, attempt: int) -> timedelta:
        return timedelta(seconds=backoff_s(attempt, self.base_s, self.cap_s))


@dataclass
class Delivery:
    delivery_id: str
    event_id: str
    tenant_id: str
    ticket_id: str
    kind: str  # a notice's Kind, or the event type a webhook carries
    channel: Channel
    recipient: str
    address: str | None
    language: str
    context: dict[str, Any]  # the template's context as planned (or the webhook's body)
    status: DeliveryStatus
    created_at: datetime
    next_attempt_at: datetime | None = None
    reason: str | None = None
    attempts: int = 0
    provider_message_id: str | None = None
    critical: bool = False
    subscription_id: str | None = None  # webhooks
    claim: str | None = None  # the sender attempt that holds it
    version: int = 0
    digest: bool = False  # may be sent merged with its digest siblings
    events: list[NotificationStatusChanged] = field(default_factory=list, compare=False)

    @property
    def pending(self) -> bool:
        return self.status in PENDING

    def announce(self, at: datetime) -> None:
        """Publish the status it was planned with."""
        self._changed(at)

    @property
    def digest_key(self) -> str | None:
        """What its digest siblings share: the same ticket, recipient and channel."""
        return f"{self.ticket_id}|{self.recipient}|{self.channel.value}" if self.digest else None

    def succeeded(self, sent: Sent, at: datetime, note: str | None = None) -> None:
        self.attempts += 1
        self.status, self.reason = DeliveryStatus.SENT, note
        self.provider_message_id, self.next_attempt_at, self.claim = (
            sent.provider_message_id, None, None,
        )  # fmt: skip
        self._changed(at)

    def failed(self, error: SendFailed, at: datetime, retry: RetryPolicy) -> None:
        self.attempts += 1
        self.reason, self.claim = error.reason[:500], None
        if error.permanent or self.attempts >= retry.max_attempts:
            self.status, self.next_attempt_at = DeliveryStatus.FAILED_PERMANENT, None
            if not error.permanent:
                self.reason = f"gave up after {self.attempts} attempts: {self.reason}"[:500]
        else:
            self.status = DeliveryStatus.FAILED_TEMPORARY
            self.next_attempt_at = at + retry.delay(self.attempts)
        self._changed(at)

    def postpone(self, until: datetime, reason: str) -> None:
        """Not an attempt (the ticket's subscription is paused, the ticket not yet known):
        due again later, nothing published."""
        self.next_attempt_at, self.reason, self.claim = until, reason, None

    def _changed(self, at: datetime) -> None:
        self.events.append(NotificationStatusChanged(
            occurred_at=at, tenant_id=self.tenant_id, ticket_id=self.ticket_id,
            payload=NotificationStatusChangedPayload(
                delivery_id=self.delivery_id, channel=self.channel.value,
                recipient=self.recipient, kind=self.kind, status=self.status,
                reason=self.reason, attempt=self.attempts, next_attempt_at=self.next_attempt_at,
                provider_message_id=self.provider_message_id,
            ),
        ))  # fmt: skip
