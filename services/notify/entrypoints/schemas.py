"""Notify's request and response bodies."""

from collections.abc import Mapping
from datetime import datetime, time
from typing import Annotated, Literal, Self

from pydantic import (
    AfterValidator,
    AnyHttpUrl,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    model_validator,
)

from services.notify.domain.channels import Channel
from services.notify.domain.deliveries import Delivery
from services.notify.domain.preferences import (
    OwnPreferences,
    Person,
    TenantNotifySettings,
    TimeWindow,
    zone,
)
from services.notify.domain.rendering import Kind
from services.notify.domain.rules import Audience
from services.notify.domain.subscriptions import Subscription
from shared.events.codec import EVENT_TYPES
from shared.events.submissions import Email, Phone, line

Language = Literal["zh-CN", "ru", "en"]
Name = Annotated[str, line(100)]
PersonChannel = Literal["sms", "email", "in_app"]


def _zone(name: str) -> str:
    zone(name)
    return name


TimeZone = Annotated[str, Field(min_length=1, max_length=64), AfterValidator(_zone)]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class WindowBody(Body):
    """A daily window in local time, e.g. 22:00–07:00 (it may wrap past midnight)."""

    start: time
    end: time

    @model_validator(mode="after")
    def _distinct(self) -> Self:
        if self.start == self.end:
            raise ValueError("start and end must differ")
        return self

    def window(self) -> TimeWindow:
        return TimeWindow(self.start, self.end)

    @classmethod
    def of(cls, window: TimeWindow | None) -> "WindowBody | None":
        return cls(start=window.start, end=window.end) if window else None


Channels = dict[Kind, Annotated[list[PersonChannel], Field(max_length=3)]]


def _channels(channels: Channels) -> dict[Kind, frozenset[Channel]]:
    return {kind: frozenset(Channel(c) for c in chosen) for kind, chosen in channels.items()}


def _channel_names(channels: Mapping[Kind, frozenset[Channel]]) -> dict[str, list[str]]:
    return {kind.value: sorted(c.value for c in chosen) for kind, chosen in channels.items()}


class PersonBody(Body):
    """A staff member's addresses, duty and preferences. ``channels``: per kind of notice,
    the channels they want (an empty list: none); kinds left out follow the tenant."""

    name: Name | None = None
    phone: Phone | None = None
    email: Email | None = None
    language: Language | None = None
    time_zone: TimeZone | None = None
    quiet_hours: WindowBody | None = None
    channels: Channels = Field(default_factory=dict)
    on_duty: StrictBool = False
    supervisor: StrictBool = False
    leads: list[Name] = Field(default_factory=list, max_length=50)

    def person(self, tenant_id: str, username: str) -> Person:
        return Person(
            username, tenant_id, self.name, self.phone, self.email, self.language,
            self.time_zone, self.quiet_hours.window() if self.quiet_hours else None,
            _channels(self.channels), self.on_duty, self.supervisor, frozenset(self.leads),
        )  # fmt: skip

    @classmethod
    def of(cls, p: Person) -> Self:
        return cls.model_validate({
            "name": p.name, "phone": p.phone, "email": p.email, "language": p.language,
            "time_zone": p.time_zone, "quiet_hours": WindowBody.of(p.quiet_hours),
            "channels": _channel_names(p.channels), "on_duty": p.on_duty,
            "supervisor": p.supervisor, "leads": sorted(p.leads),
        })  # fmt: skip


class PreferencesBody(Body):
    """What a person sets for themselves: language, time zone, quiet hours and channels
    per kind (kinds left out follow the tenant; an empty list: none). Anything else —
    addresses, duty, supervising, leads — is not theirs to change here (a 422)."""

    language: Language | None = None
    time_zone: TimeZone | None = None
    quiet_hours: WindowBody | None = None
    channels: Channels = Field(default_factory=dict)

    def own(self) -> OwnPreferences:
        window = self.quiet_hours.window() if self.quiet_hours else None
        return OwnPreferences(self.language, self.time_zone, window, _channels(self.channels))

    @classmethod
    def of(cls, own: OwnPreferences) -> Self:
        return cls.model_validate({
            "language": own.language, "time_zone": own.time_zone,
            "quiet_hours": WindowBody.of(own.quiet_hours), "channels": _channel_names(own.channels),
        })  # fmt: skip


class TenantDefaults(BaseModel):
    language: str
    time_zone: str
    quiet_hours: WindowBody | None
    channels: dict[str, list[str]]


class PreferencesView(PreferencesBody):
    """The person's own preferences and the tenant's defaults for what they leave out."""

    tenant: TenantDefaults

    @classmethod
    def with_defaults(cls, own: OwnPreferences, s: TenantNotifySettings) -> "PreferencesView":
        defaults = TenantDefaults(
            language=s.language, time_zone=s.time_zone, quiet_hours=WindowBody.of(s.quiet_hours),
            channels=_channel_names(s.channels),
        )  # fmt: skip
        return cls.model_validate(PreferencesBody.of(own).model_dump() | {"tenant": defaults})


class SettingsBody(Body):
    """A tenant's defaults: language and time zone of its people and customers, channels
    per kind, quiet hours, the hours SMS may legally be sent, and who is told what."""

    language: Language = "zh-CN"
    time_zone: TimeZone = "Asia/Shanghai"
    channels: Channels | None = None  # None: the defaults
    quiet_hours: WindowBody | None = None
    sms_hours: WindowBody | None = None
    audiences: dict[Kind, Annotated[list[Audience], Field(max_length=10)]] | None = None
    # Up to an hour: what happens to a ticket meanwhile goes out as one SMS / e-mail.
    digest_window_s: StrictInt = Field(default=0, ge=0, le=3600)

    def settings(self) -> TenantNotifySettings:
        defaults = TenantNotifySettings()
        return TenantNotifySettings(
            self.language, self.time_zone,
            _channels(self.channels) if self.channels is not None else defaults.channels,
            self.quiet_hours.window() if self.quiet_hours else None,
            self.sms_hours.window() if self.sms_hours else None,
            {k: frozenset(v) for k, v in self.audiences.items()}
            if self.audiences is not None else defaults.audiences,
            self.digest_window_s,
        )  # fmt: skip

    @classmethod
    def of(cls, s: TenantNotifySettings) -> Self:
        return cls.model_validate({
            "language": s.language, "time_zone": s.time_zone,
            "channels": _channel_names(s.channels), "quiet_hours": WindowBody.of(s.quiet_hours),
            "sms_hours": WindowBody.of(s.sms_hours),
            "audiences": {k: sorted(v) for k, v in s.audiences.items()},
            "digest_window_s": s.digest_window_s,
        })  # fmt: skip


class TemplateBody(Body):
    source: str = Field(min_length=1, max_length=20_000)


def _known_event_type(name: str) -> str:
    if name not in EVENT_TYPES:
        raise ValueError(f"unknown event type {name!r}")
    return name


def _web_url(url: AnyHttpUrl) -> AnyHttpUrl:
    if url.scheme not in ("http", "https"):
        raise ValueError("a webhook URL is http or https")
    return url


class SubscriptionBody(Body):
    url: Annotated[AnyHttpUrl, Field(max_length=2000), AfterValidator(_web_url)]
    event_types: list[Annotated[str, AfterValidator(_known_event_type)]] = Field(
        default_factory=list, max_length=100
    )  # none: every event
    pause_after: StrictInt = Field(default=5, ge=1, le=1000)


class SubscriptionView(BaseModel):
    subscription_id: str
    url: str
    key_id: str
    secret: str | None = None  # only in the answer that created it
    event_types: list[str]
    pause_after: int
    paused: bool
    consecutive_failures: int
    last_error: str | None
    created_at: datetime

    @classmethod
    def of(cls, s: Subscription, *, with_secret: bool = False) -> Self:
        return cls(
            subscription_id=s.subscription_id, url=s.url, key_id=s.key_id,
            secret=s.secret if with_secret else None, event_types=sorted(s.event_types),
            pause_after=s.pause_after, paused=s.paused,
            consecutive_failures=s.consecutive_failures, last_error=s.last_error,
            created_at=s.created_at,
        )  # fmt: skip


class DeliveryView(BaseModel):
    delivery_id: str
    event_id: str
    kind: str
    channel: str
    recipient: str
    address: str | None
    language: str
    status: str
    reason: str | None
    attempts: int
    next_attempt_at: datetime | None
    provider_message_id: str | None
    created_at: datetime

    @classmethod
    def of(cls, d: Delivery) -> Self:
        return cls(
            delivery_id=d.delivery_id, event_id=d.event_id, kind=d.kind,
            channel=d.channel.value, recipient=d.recipient, address=d.address,
            language=d.language, status=d.status.value, reason=d.reason, attempts=d.attempts,
            next_attempt_at=d.next_attempt_at, provider_message_id=d.provider_message_id,
            created_at=d.created_at,
        )  # fmt: skip


class MuteView(BaseModel):
    ticket_id: str
    muted: list[str]
