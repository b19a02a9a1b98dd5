"""Notify's domain objects as MongoDB documents, and back."""

from datetime import time
from typing import Any

from services.notify.domain.channels import Channel
from services.notify.domain.deliveries import Delivery
from services.notify.domain.preferences import Person, TenantNotifySettings, TimeWindow
from services.notify.domain.rendering import Kind
from services.notify.domain.rules import Audience
from services.notify.domain.subscriptions import Subscription
from services.notify.domain.tickets import FollowedTicket
from shared.events.notify import DeliveryStatus

Doc = dict[str, Any]


def ticket_document(ticket: FollowedTicket) -> Doc:
    return {
        "_id": ticket.ticket_id, "tenant_id": ticket.tenant_id,
        "fields": {name: {"value": value, "at": at}
                   for name, (value, at) in ticket.fields.items()},
        "shared_with": sorted(ticket.shared_with), "muted": sorted(ticket.muted),
        "version": ticket.version,
    }  # fmt: skip


def ticket_from(doc: Doc) -> FollowedTicket:
    return FollowedTicket(
        doc["_id"], doc["tenant_id"],
        {name: (f["value"], f["at"]) for name, f in doc["fields"].items()},
        set(doc["shared_with"]), set(doc["muted"]), doc["version"],
    )  # fmt: skip


def _window(window: TimeWindow | None) -> Doc | None:
    if window is None:
        return None
    return {"start": window.start.isoformat("minutes"), "end": window.end.isoformat("minutes")}


def _window_from(doc: Doc | None) -> TimeWindow | None:
    if doc is None:
        return None
    return TimeWindow(time.fromisoformat(doc["start"]), time.fromisoformat(doc["end"]))


def _channels(channels: Any) -> Doc:
    return {kind.value: sorted(c.value for c in chosen) for kind, chosen in channels.items()}


def _channels_from(doc: Doc) -> dict[Kind, frozenset[Channel]]:
    return {Kind(kind): frozenset(Channel(c) for c in chosen) for kind, chosen in doc.items()}


def person_document(person: Person) -> Doc:
    return {
        "_id": f"{person.tenant_id}/{person.username}", "tenant_id": person.tenant_id,
        "username": person.username, "name": person.name, "phone": person.phone,
        "email": person.email, "language": person.language, "time_zone": person.time_zone,
        "quiet_hours": _window(person.quiet_hours), "channels": _channels(person.channels),
        "on_duty": person.on_duty, "supervisor": person.supervisor,
        "leads": sorted(person.leads),
    }  # fmt: skip


def person_from(doc: Doc) -> Person:
    return Person(
        doc["username"], doc["tenant_id"], doc["name"], doc["phone"], doc["email"],
        doc["language"], doc["time_zone"], _window_from(doc["quiet_hours"]),
        _channels_from(doc["channels"]), doc["on_duty"], doc["supervisor"],
        frozenset(doc["leads"]),
    )  # fmt: skip


def settings_document(tenant_id: str, settings: TenantNotifySettings) -> Doc:
    return {
        "_id": tenant_id, "language": settings.language, "time_zone": settings.time_zone,
        "channels": _channels(settings.channels), "quiet_hours": _window(settings.quiet_hours),
        "sms_hours": _window(settings.sms_hours),
        "audiences": {kind.value: sorted(a.value for a in audiences)
                      for kind, audiences in settings.audiences.items()},
        "digest_window_s": settings.digest_window_s,
    }  # fmt: skip


def settings_from(doc: Doc) -> TenantNotifySettings:
    return TenantNotifySettings(
        doc["language"], doc["time_zone"], _channels_from(doc["channels"]),
        _window_from(doc["quiet_hours"]), _window_from(doc["sms_hours"]),
        {Kind(kind): frozenset(Audience(a) for a in audiences)
         for kind, audiences in doc["audiences"].items()},
        doc.get("digest_window_s", 0),
    )  # fmt: skip


def delivery_document(d: Delivery) -> Doc:
    return {
        "_id": d.delivery_id, "event_id": d.event_id, "tenant_id": d.tenant_id,
        "ticket_id": d.ticket_id, "kind": d.kind, "channel": d.channel.value,
        "recipient": d.recipient, "address": d.address, "language": d.language,
        "context": d.context, "status": d.status.value, "pending": d.pending,
        "created_at": d.created_at, "next_attempt_at": d.next_attempt_at, "reason": d.reason,
        "attempts": d.attempts, "provider_message_id": d.provider_message_id,
        "critical": d.critical, "subscription_id": d.subscription_id, "claim": d.claim,
        "version": d.version, "digest": d.digest, "digest_key": d.digest_key,
        # What the TTL index reads: a finished delivery is kept DELIVERY_RETENTION from its
        # creation (far beyond its last retry); a pending one (no date) never expires.
        "expires_from": None if d.pending else d.created_at,
    }  # fmt: skip


def delivery_from(doc: Doc) -> Delivery:
    return Delivery(
        doc["_id"], doc["event_id"], doc["tenant_id"], doc["ticket_id"], doc["kind"],
        Channel(doc["channel"]), doc["recipient"], doc["address"], doc["language"],
        doc["context"], DeliveryStatus(doc["status"]), doc["created_at"],
        doc["next_attempt_at"], doc["reason"], doc["attempts"], doc["provider_message_id"],
        doc["critical"], doc["subscription_id"], doc["claim"], doc["version"],
        digest=doc.get("digest", False),
    )  # fmt: skip


def subscription_document(s: Subscription) -> Doc:
    return {
        "_id": s.subscription_id, "tenant_id": s.tenant_id, "url": s.url, "key_id": s.key_id,
        "secret": s.secret, "created_at": s.created_at, "event_types": sorted(s.event_types),
        "pause_after": s.pause_after, "paused": s.paused,
        "consecutive_failures": s.consecutive_failures, "last_error": s.last_error,
        "version": s.version,
    }  # fmt: skip


def subscription_from(doc: Doc) -> Subscription:
    return Subscription(
        doc["_id"], doc["tenant_id"], doc["url"], doc["key_id"], doc["secret"],
        doc["created_at"], frozenset(doc["event_types"]), doc["pause_after"], doc["paused"],
        doc["consecutive_failures"], doc["last_error"], doc["version"],
    )  # fmt: skip
