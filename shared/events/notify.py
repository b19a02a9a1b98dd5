"""Notification delivery events on ``ticketflow.notify.events``: every status a delivery
takes (queued, sent, failed, suppressed), so the ticket's processing history can say
"SMS to li.wei sent 10:02" or why nobody was told."""

from enum import StrEnum
from typing import ClassVar, Literal

from pydantic import AwareDatetime, Field

from shared.events.envelope import EventEnvelope, Frozen


class DeliveryStatus(StrEnum):
    QUEUED = "queued"  # waiting to be sent, perhaps held (quiet hours) until next_attempt_at
    SENT = "sent"
    FAILED_TEMPORARY = "failed_temporary"  # will be tried again at next_attempt_at
    FAILED_PERMANENT = "failed_permanent"  # never sent: refused, or out of attempts
    SUPPRESSED = "suppressed"  # not sent on purpose: muted, preference, no address


class NotificationStatusChangedPayload(Frozen):
    delivery_id: str
    channel: str
    recipient: str  # a username, "contact" (the ticket's contact) or "webhook:<id>"
    kind: str
    status: DeliveryStatus
    reason: str | None = None
    attempt: int = Field(ge=0)
    next_attempt_at: AwareDatetime | None = None
    provider_message_id: str | None = None


class NotificationStatusChanged(EventEnvelope):
    topic_attr: ClassVar[str] = "notify_events"
    producer: str = "notify"
    event_type: Literal["notification.status_changed"] = "notification.status_changed"
    payload: NotificationStatusChangedPayload


class NotificationPostedPayload(Frozen):
    """A notice on a staff member's dashboard feed (alerts, assignments, mentions), in their
    language; the gateway keeps it for them and streams it live."""

    delivery_id: str  # unique per (event, recipient): the feed item's id
    recipient: str  # the username whose feed it is
    kind: str
    critical: bool = False
    subject: str | None = None
    text: str


class NotificationPosted(EventEnvelope):
    topic_attr: ClassVar[str] = "notify_events"
    producer: str = "notify"
    event_type: Literal["notification.posted"] = "notification.posted"
    payload: NotificationPostedPayload


NOTIFY_EVENTS: tuple[type[EventEnvelope], ...] = (NotificationStatusChanged, NotificationPosted)
