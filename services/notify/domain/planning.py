"""Turning a notice for one recipient into deliveries: which channels, to which address,
in which language, now or after quiet hours — or suppressed, with the reason kept."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from services.notify.domain.channels import Channel
from services.notify.domain.preferences import (
    EMAIL_ONLY,
    Person,
    TenantNotifySettings,
    TimeWindow,
    zone,
)
from services.notify.domain.rules import Notice, Recipient
from shared.events.notify import DeliveryStatus


class Reason:
    MUTED = "muted"  # the recipient pressed "don't notify me" on this ticket
    PREFERENCE = "preference"  # the recipient does not want this channel for this kind
    NO_ADDRESS = "no_address"
    DUPLICATE_ADDRESS = "duplicate_address"  # another recipient of the notice has it
    QUIET_HOURS = "quiet_hours"
    SMS_HOURS = "sms_hours"  # the hours SMS may legally be sent
    DIGEST = "digest_window"  # held for the tenant's digest window


@dataclass(frozen=True)
class Addressee:
    """Where and how a recipient is reached: a staff member's directory entry, or the
    ticket's contact (who has no preferences but the tenant's)."""

    name: str | None
    phone: str | None
    email: str | None
    person: Person | None = None

    def address(self, channel: Channel) -> str | None:
        if channel is Channel.IN_APP:
            return self.person.username if self.person else None
        return {Channel.SMS: self.phone, Channel.EMAIL: self.email}.get(channel)


@dataclass(frozen=True)
class Planned:
    channel: Channel
    address: str | None
    language: str
    status: DeliveryStatus
    not_before: datetime
    reason: str | None = None
    digest: bool = False  # may go out merged with the recipient's other notices of the ticket


def plan(
    notice: Notice,
    recipient: Recipient,
    to: Addressee,
    tenant: TenantNotifySettings,
    *,
    muted: bool,
    now: datetime,
) -> list[Planned]:
    """One planned delivery per channel the tenant or the recipient has for this kind.
    Only staff have a feed: a customer's notice has no in-app delivery at all."""
    person = to.person
    offered = tenant.channels.get(notice.kind, EMAIL_ONLY)
    wanted = person.channels.get(notice.kind, offered) if person else offered
    if person is None:
        offered, wanted = offered - {Channel.IN_APP}, wanted - {Channel.IN_APP}
    language = (person.language if person else None) or tenant.language
    return [
        _one(notice, channel, to, tenant, language, now, _suppression(notice, channel, wanted,
             to, muted))
        for channel in sorted(offered | wanted)
    ]  # fmt: skip


def _suppression(
    notice: Notice, channel: Channel, wanted: frozenset[Channel], to: Addressee, muted: bool
) -> str | None:
    if muted and not notice.critical:
        return Reason.MUTED
    if channel not in wanted:
        return Reason.PREFERENCE
    return None if to.address(channel) else Reason.NO_ADDRESS


def _one(
    notice: Notice, channel: Channel, to: Addressee, tenant: TenantNotifySettings,
    language: str, now: datetime, suppressed: str | None,
) -> Planned:  # fmt: skip
    address = to.address(channel)
    if suppressed:
        return Planned(channel, address, language, DeliveryStatus.SUPPRESSED, now, suppressed)
    at, reason = _when(notice, channel, to.person, tenant, now)
    digest = _digested(notice, channel, tenant)
    if digest and at < now + timedelta(seconds=tenant.digest_window_s):
        at, reason = now + timedelta(seconds=tenant.digest_window_s), Reason.DIGEST
    return Planned(channel, address, language, DeliveryStatus.QUEUED, at, reason, digest)


def _digested(notice: Notice, channel: Channel, tenant: TenantNotifySettings) -> bool:
    """A critical notice is never held, and only SMS and e-mail are merged (a feed shows
    each notice; a webhook carries one event)."""
    merged = channel in (Channel.SMS, Channel.EMAIL)
    return tenant.digest_window_s > 0 and merged and not notice.critical


def _when(
    notice: Notice, channel: Channel, person: Person | None, tenant: TenantNotifySettings,
    now: datetime,
) -> tuple[datetime, str | None]:  # fmt: skip
    """Now, or when quiet hours end (not for a critical notice), and never outside the
    hours the channel may legally be used. The feed makes no sound: always now."""
    if channel is Channel.IN_APP:
        return now, None
    local_zone = zone((person.time_zone if person else None) or tenant.time_zone)
    quiet = (person.quiet_hours if person else None) or tenant.quiet_hours
    at, reason = now, None
    if quiet and not notice.critical and quiet.contains(now.astimezone(local_zone).time()):
        at, reason = quiet.next_end(now, local_zone), Reason.QUIET_HOURS
    legal = tenant.sms_hours if channel is Channel.SMS else None
    if legal and _outside(legal, at, zone(tenant.time_zone)):
        at, reason = legal.next_start_after(at, zone(tenant.time_zone)), Reason.SMS_HOURS
    return at, reason


def _outside(window: TimeWindow, at: datetime, local_zone: ZoneInfo) -> bool:
    return not window.contains(at.astimezone(local_zone).time())
