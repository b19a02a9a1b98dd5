"""What notify's use cases need from the outside world."""

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol

from services.notify.domain.channels import Channel, Message, Sent
from services.notify.domain.deliveries import Delivery
from services.notify.domain.preferences import Person, TenantNotifySettings
from services.notify.domain.rendering import Kind, Rendered
from services.notify.domain.rules import Roster
from services.notify.domain.subscriptions import Subscription
from services.notify.domain.tickets import FollowedTicket
from shared.ports import UnitOfWork


class Tickets(Protocol):
    async def get(self, ticket_id: str) -> FollowedTicket | None: ...

    async def save(self, ticket: FollowedTicket) -> None: ...


class People(Protocol):
    async def get(self, tenant_id: str, username: str) -> Person | None: ...

    async def many(self, tenant_id: str, usernames: Sequence[str]) -> dict[str, Person]: ...

    async def roster(self, tenant_id: str, group: str | None) -> Roster:
        """The leads of ``group``, the supervisors on duty and everybody on duty."""
        ...

    async def put(self, person: Person) -> None: ...

    async def delete(self, tenant_id: str, username: str) -> bool: ...


class TenantSettings(Protocol):
    async def get(self, tenant_id: str) -> TenantNotifySettings | None: ...

    async def put(self, tenant_id: str, settings: TenantNotifySettings) -> None: ...


class Templates(Protocol):
    """Tenants' own template sources, overriding the shipped ones."""

    async def get(
        self, tenant_id: str, kind: Kind, channel: Channel, language: str
    ) -> str | None: ...

    async def put(
        self, tenant_id: str, kind: Kind, channel: Channel, language: str, source: str
    ) -> None: ...

    async def delete(self, tenant_id: str, kind: Kind, channel: Channel, language: str) -> bool: ...


class Deliveries(Protocol):
    async def add(self, delivery: Delivery) -> bool:
        """Insert unless one with its id exists (a redelivered event); True if inserted."""
        ...

    async def get(self, delivery_id: str) -> Delivery | None: ...

    async def save(self, delivery: Delivery) -> None:
        """Replace the one at ``delivery.version`` (a concurrent change is a
        ``TransientConflict``); bumps the version."""
        ...

    async def of_ticket(self, ticket_id: str, limit: int) -> list[Delivery]: ...

    async def wake(self, subscription_id: str, now: datetime) -> None:
        """Make a resumed subscription's pending deliveries due now."""
        ...


class Subscriptions(Protocol):
    async def of_tenant(self, tenant_id: str) -> list[Subscription]: ...

    async def get(self, subscription_id: str) -> Subscription | None: ...

    async def save(self, subscription: Subscription) -> None: ...

    async def delete(self, subscription_id: str) -> bool: ...


class NotifyUnitOfWork(UnitOfWork, Protocol):
    @property
    def tickets(self) -> Tickets: ...

    @property
    def people(self) -> People: ...

    @property
    def settings(self) -> TenantSettings: ...

    @property
    def templates(self) -> Templates: ...

    @property
    def deliveries(self) -> Deliveries: ...

    @property
    def subscriptions(self) -> Subscriptions: ...


class DeliveryQueue(Protocol):
    """Claiming due deliveries, outside any transaction (the sender loop)."""

    async def claim(
        self, claim: str, now: datetime, lease_until: datetime, limit: int
    ) -> list[tuple[str, str | None]]:
        """Ids (with their digest keys) of up to ``limit`` pending deliveries due by
        ``now``, now held by ``claim`` and not due again before ``lease_until`` (a sender
        that died loses them then)."""
        ...

    async def take(self, delivery_id: str, claim: str, attempt: str) -> bool:
        """Move a delivery claimed by the round ``claim`` to one ``attempt``; False when
        it is no longer the round's (its lease ran out and another round has it)."""
        ...

    async def claim_digest(
        self, key: str, attempt: str, lease_until: datetime, limit: int
    ) -> list[str]:
        """Ids of up to ``limit`` pending deliveries with ``digest_key``, due or not, that
        no sender holds, now held by ``attempt`` until ``lease_until``."""
        ...


class Sender(Protocol):
    async def send(self, message: Message) -> Sent:
        """Raises ``SendFailed``."""
        ...

    async def aclose(self) -> None: ...


class Renderer(Protocol):
    def render(
        self, kind: Kind, channel: Channel, language: str, ctx: Mapping[str, Any],
        override: str | None = None,
    ) -> Rendered: ...  # fmt: skip

    def validate(self, kind: Kind, channel: Channel, language: str, source: str) -> None:
        """Raises ``TemplateFailed`` unless ``source`` compiles and renders a sample."""
        ...

    def shipped(self, kind: Kind, channel: Channel, language: str) -> str:
        """The source of the template ticketflow ships."""
        ...

    def render_digest(
        self, channel: Channel, language: str, ticket: Mapping[str, Any],
        items: list[str], recipient: Mapping[str, Any],
    ) -> Rendered:  # fmt: skip
        """One message of several notices' one-line texts (``items``), oldest first."""
        ...


NewUnitOfWork = Callable[[], NotifyUnitOfWork]
Senders = Mapping[Channel, Sender]
