"""The configured assignment rule of the walking skeleton: by ticket type, else the centre."""

from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict, Field

from shared.events.vocabulary import TicketType


class AssignmentRule(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    ticket_type: TicketType | None = None
    assignee: str = Field(min_length=1)
    group: str | None = None

    def matches(self, ticket_type: TicketType) -> bool:
        return self.ticket_type is None or self.ticket_type == ticket_type


def choose_assignment(
    rules: Sequence[AssignmentRule], ticket_type: TicketType, dispatch_centre: str
) -> AssignmentRule:
    """The first matching rule, or the dispatch-centre queue when none matches."""
    for rule in rules:
        if rule.matches(ticket_type):
            return rule
    return AssignmentRule(assignee=dispatch_centre, group=dispatch_centre)
