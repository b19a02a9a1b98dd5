from pydantic import Field

from services.dispatch.domain.routing_rules import RoutingRule
from shared.settings import StandardSettings


class DispatchSettings(StandardSettings):
    service_name: str = "dispatch"
    http_port: int = 8002
    mongo_db: str = "ticketflow_dispatch"
    # JSON in TICKETFLOW_ASSIGNMENT_RULES: routing rules for every tenant, tried after the
    # tenant's own (admin API) rules, e.g. [{"ticket_type": "incident", "group": "noc"}].
    assignment_rules: tuple[RoutingRule, ...] = ()
    dispatch_centre: str = "dispatch-centre"
    # Urges that auto-escalate a ticket when its tenant set no policy; 0: never.
    urge_escalation_threshold: int = Field(default=3, ge=0)
