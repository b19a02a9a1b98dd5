"""A ticket as notify follows it: who is interested in it and what it says, gathered from
the events of every service in whatever order they arrive.

Each field keeps the time of the event that set it, and an older event never overwrites a
newer one: a transfer seen after a later reassignment does not bring the old assignee back.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

FIELDS = ("number", "subject", "status", "severity", "priority", "assignee", "group",
          "submitted_by", "contact_name", "contact_phone", "contact_email", "watchers",
          "judged_unit", "judged_person", "appellant")  # fmt: skip


@dataclass
class FollowedTicket:
    ticket_id: str
    tenant_id: str
    # field → (value, when the event that set it happened)
    fields: dict[str, tuple[Any, datetime]] = field(default_factory=dict)
    shared_with: set[str] = field(default_factory=set)
    muted: set[str] = field(default_factory=set)  # recipients who said "don't notify me"
    version: int = 0

    def set(self, name: str, value: Any, at: datetime) -> None:
        if name not in FIELDS:
            raise ValueError(f"unknown ticket field {name!r}")
        known = self.fields.get(name)
        if known is None or known[1] <= at:
            self.fields[name] = (value, at)

    def update(self, at: datetime, **values: Any) -> None:
        for name, value in values.items():
            self.set(name, value, at)

    def get(self, name: str) -> Any:
        known = self.fields.get(name)
        return known[0] if known else None

    @property
    def watchers(self) -> list[str]:
        return list(self.get("watchers") or [])

    def snapshot(self) -> dict[str, Any]:
        """The ticket part of a template's context."""
        return {name: self.get(name) for name in FIELDS if name != "watchers"}
