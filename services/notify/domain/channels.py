"""The channels a notification goes out on, and what a channel adapter is handed and
answers: the contract between the sender loop and the providers."""

from dataclasses import dataclass
from enum import StrEnum


class Channel(StrEnum):
    SMS = "sms"
    EMAIL = "email"
    WEBHOOK = "webhook"
    IN_APP = "in_app"  # the staff member's feed on the dashboards (the gateway serves it)

    @property
    def template_channel(self) -> "Channel":
        """Whose templates render it: an in-app line reads like an SMS."""
        return Channel.SMS if self is Channel.IN_APP else self


@dataclass(frozen=True)
class Message:
    """One delivery attempt's content, rendered and addressed.

    ``delivery_id`` is unique per (event, recipient, channel) and the same on every attempt:
    providers receive it as their idempotency key (SMS gateway), ``Message-ID`` (e-mail) or
    ``X-Ticketflow-Delivery`` (webhook), so that a resend after a crash can be recognised.
    """

    delivery_id: str
    channel: Channel
    address: str  # E.164 phone, e-mail address or webhook URL
    body: str  # plain text (SMS, e-mail) or the event as JSON (webhook)
    tenant_id: str
    ticket_id: str
    subject: str | None = None  # e-mail only
    signing_key_id: str | None = None  # webhook only
    signing_secret: str | None = None  # webhook only


@dataclass(frozen=True)
class Sent:
    """The provider accepted the message."""

    provider_message_id: str | None = None


@dataclass(frozen=True)
class Posted(Sent):
    """An in-app notice, posted with the delivery's outcome (through the outbox, in the
    same transaction): what the recipient's feed shows."""

    subject: str | None = None
    text: str = ""


class SendFailed(Exception):
    """The provider refused or could not be reached. ``permanent``: sending again can never
    succeed (a 550 mailbox unknown, a 4xx from a webhook receiver other than 408/429);
    otherwise the delivery is retried with backoff."""

    def __init__(self, reason: str, *, permanent: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent
