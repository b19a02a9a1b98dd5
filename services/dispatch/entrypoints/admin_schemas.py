"""Bodies of the routing directory's admin API."""

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from shared.events.vocabulary import Severity, TicketType

Name = Annotated[str, Field(min_length=1, max_length=100)]


class Item(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    def document(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


class StaffBody(Item):
    name: Annotated[str, Field(min_length=1, max_length=200)]
    groups: list[Name] = Field(default_factory=list)
    # The organisation unit (centre) the person works in; a ticket is shared inside it
    # only. Omitted: the tenant's default centre.
    centre: Name | None = None


class GroupBody(Item):
    name: Annotated[str, Field(min_length=1, max_length=200)]


class StationBody(Item):
    name: Annotated[str, Field(min_length=1, max_length=200)]
    group: Name
    lon: float = Field(ge=-180, le=180)
    lat: float = Field(ge=-90, le=90)

    def document(self) -> dict[str, Any]:
        point = {"type": "Point", "coordinates": [self.lon, self.lat]}
        return {**super().document(), "location": point}


class RosterBody(Item):
    """Who of the group is on duty now, in the order ties are broken."""

    on_duty: list[Name] = Field(max_length=500)


class RuleBody(Item):
    order: int
    ticket_type: TicketType | None = None
    service: Name | None = None
    region: Name | None = None
    tags: list[Annotated[str, Field(min_length=1, max_length=50)]] = Field(default_factory=list)
    severity: Severity | None = None
    group: Name | None = None
    assignee: Name | None = None


class ApproverBody(Item):
    """One step: the approver's role, and optionally the one person of it who approves."""

    role: Annotated[str, Field(min_length=1, max_length=50)]
    user: Name | None = None


class ApprovalRuleBody(Item):
    """审核/审批: tickets matching every criterion given need ``chain``, in order."""

    order: int
    ticket_type: TicketType | None = None
    service: Name | None = None
    tags: list[Annotated[str, Field(min_length=1, max_length=50)]] = Field(default_factory=list)
    severity: Severity | None = None
    chain: list[ApproverBody] = Field(min_length=1, max_length=10)


class ClusterRuleBody(Item):
    """集中投诉: how many complaints of one category, how near, how quickly, make an outage."""

    min_complaints: int = Field(default=5, ge=2, le=1000, strict=True)
    radius_km: float = Field(default=2.0, gt=0, le=50, allow_inf_nan=False)
    window_minutes: int = Field(default=60, ge=1, le=1440, strict=True)


class PolicyBody(Item):
    """0 turns urge auto-escalation off for the tenant."""

    urge_escalation_threshold: int = Field(ge=0, le=100)
