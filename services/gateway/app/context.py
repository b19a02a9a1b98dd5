"""What the gateway's entrypoints are handed."""

from dataclasses import dataclass

from services.gateway.app.forwarding import Forwarding
from services.gateway.app.ports import (
    NewUnitOfWork,
    NotificationFeed,
    Reports,
    TicketFeed,
    TokenVerifier,
)
from services.gateway.domain.callers import ClaimNames


@dataclass(frozen=True)
class GatewayContext:
    new_uow: NewUnitOfWork
    tokens: TokenVerifier
    claim_names: ClaimNames
    forwarding: Forwarding
    feed: TicketFeed
    notification_feed: NotificationFeed
    reports: Reports
