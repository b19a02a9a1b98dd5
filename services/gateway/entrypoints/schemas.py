"""The gateway's own request and response bodies."""

from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from services.gateway.domain.callers import Caller
from shared.http import refusal

# Every gateway operation may answer these besides the errors every service declares.
EDGE_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: refusal("No valid bearer token; `WWW-Authenticate` says why"),
    502: refusal("The service behind the gateway failed"),
    503: refusal("The service behind the gateway, or the identity provider, did not answer"),
}


class Me(BaseModel):
    subject: str
    username: str
    tenant_id: str | None
    roles: list[str]
    acting_role: str
    # From the token's groups and region claims: whose queue "my group" and "in flight in
    # my region" show.
    groups: list[str]
    regions: list[str]

    @classmethod
    def of(cls, caller: Caller) -> "Me":
        return cls(
            subject=caller.subject, username=caller.username, tenant_id=caller.tenant_id,
            roles=sorted(caller.roles), acting_role=caller.acting_role.value,
            groups=sorted(caller.groups), regions=sorted(caller.regions),
        )  # fmt: skip


class TicketCommand(StrEnum):
    """The workflow commands dispatch takes on a ticket, ``POST /tickets/{id}/{command}``."""

    ASSIGN = "assign"
    ACCEPT = "accept"
    START = "start"
    TRANSFER = "transfer"
    URGE = "urge"
    TAG = "tags"
    SHARE = "share"
    ESCALATE = "escalate"
    UPGRADE_SEVERITY = "upgrade-severity"
    CONVERT_TO_PROBLEM = "problems"
    SUBMIT_CHANGE = "changes"
    WAIT_CUSTOMER = "wait-customer"
    HOLD = "hold"
    INVESTIGATE = "investigate"
    RESUME = "resume"
    RESOLVE = "resolve"
    CUSTOMER_REPLY = "customer-reply"
    CONFIRM = "confirm"
    CANCEL = "cancel"
    COMMENT = "comments"
    PORTAL_MESSAGE = "portal-messages"
    APPROVE = "approve"  # 审批: a step of the tenant's approval chain
    REJECT = "reject"
    REQUEST_EXTENSION = "request-extension"  # 延期申请
    APPROVE_EXTENSION = "approve-extension"
    REJECT_EXTENSION = "reject-extension"
    TRACK = "track"  # 跟踪工单
    CLOSE_TRACKING = "close-tracking"
    TRACK_TO_NEW_TICKET = "track-to-new-ticket"


class TicketPageView(BaseModel):
    items: list[dict[str, Any]]
    next: str | None = None


class CustomerTicketsView(BaseModel):
    in_flight: list[dict[str, Any]]
    history: list[dict[str, Any]]
    truncated: bool = False


class AppendAndUrgeBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # 追加信息: what the customer adds, as dispatch takes a comment's body.
    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20_000)]
    # The urge's own note (催单说明), as dispatch takes it.
    note: Annotated[str, Field(max_length=2000)] | None = None


class AppendedAndUrged(BaseModel):
    """Both steps done: the appended note's ``{id, ticket_id}`` and the urged work order."""

    comment: dict[str, Any]
    ticket: dict[str, Any]
