"""Routing (SPEC §4): per-tenant rules by explicit order, first match; least open load wins."""

from collections.abc import Iterable, Mapping, Sequence

from pydantic import BaseModel, ConfigDict, Field, model_validator

from services.dispatch.domain.state import WorkOrderState
from shared.events.vocabulary import Severity, TicketType


class RoutingRule(BaseModel):
    """Every criterion given must hold; ``tags`` must all be on the ticket."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rule_id: str = ""
    order: int = 0
    ticket_type: TicketType | None = None
    service: str | None = None
    region: str | None = None
    tags: tuple[str, ...] = ()
    severity: Severity | None = None
    group: str | None = Field(default=None, min_length=1)
    assignee: str | None = Field(default=None, min_length=1)

    @model_validator(mode="after")
    def _has_target(self) -> "RoutingRule":
        if self.group is None and self.assignee is None:
            raise ValueError("a rule routes to a group or an assignee")
        return self

    def matches(self, order: WorkOrderState) -> bool:
        wanted = (
            (self.ticket_type, order.type),
            (self.service, order.service),
            (self.region, order.region),
            (self.severity, order.severity),
        )
        return all(want is None or want == have for want, have in wanted) and set(
            self.tags
        ).issubset(order.tags)


def matching_rule(rules: Iterable[RoutingRule], order: WorkOrderState) -> RoutingRule | None:
    """The first rule by ``order`` (ties keep their listed order) that matches the ticket."""
    return next(
        (rule for rule in sorted(rules, key=lambda r: r.order) if rule.matches(order)), None
    )


def least_loaded(on_duty: Sequence[str], open_load: Mapping[str, int]) -> str | None:
    """The on-duty member with the fewest open tickets; a tie goes to the first on the roster."""
    if not on_duty:
        return None
    return min(on_duty, key=lambda member: open_load.get(member, 0))
