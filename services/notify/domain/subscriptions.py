"""A tenant's webhook subscriptions: where its events are POSTed, signed with its key,
and paused after repeated failures so a dead receiver does not hold everything up."""

from dataclasses import dataclass
from datetime import datetime


@dataclass
class Subscription:
    subscription_id: str
    tenant_id: str
    url: str
    key_id: str
    secret: str
    created_at: datetime
    event_types: frozenset[str] = frozenset()  # none: every event
    pause_after: int = 5  # consecutive failed attempts
    paused: bool = False
    consecutive_failures: int = 0
    last_error: str | None = None
    version: int = 0

    def wants(self, event_type: str) -> bool:
        return not self.event_types or event_type in self.event_types

    def delivered(self) -> None:
        self.consecutive_failures, self.last_error = 0, None

    def failed(self, reason: str) -> None:
        self.consecutive_failures += 1
        self.last_error = reason[:500]
        if self.consecutive_failures >= self.pause_after:
            self.paused = True

    def resume(self) -> None:
        self.paused, self.consecutive_failures = False, 0
