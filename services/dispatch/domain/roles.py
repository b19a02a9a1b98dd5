"""Who may perform a workflow command: the roles of SPEC §8 plus the system itself."""

from enum import StrEnum


class Role(StrEnum):
    REQUESTER = "requester"
    AGENT = "agent"
    DISPATCHER = "dispatcher"
    FIELD_ENGINEER = "field_engineer"
    GROUP_LEAD = "group_lead"
    INSPECTOR = "inspector"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"
    SYSTEM = "system"


Roles = frozenset[Role]

SYSTEM: Roles = frozenset({Role.SYSTEM})
CUSTOMER: Roles = frozenset({Role.REQUESTER})
# Call-centre agents act for a customer on the phone (reply, confirm, cancel).
CUSTOMER_DESK: Roles = frozenset({Role.REQUESTER, Role.AGENT})
DISPATCHING: Roles = frozenset(
    {Role.DISPATCHER, Role.GROUP_LEAD, Role.SUPERVISOR, Role.ADMIN, Role.SYSTEM}
)
WORKERS: Roles = frozenset(
    {
        Role.AGENT,
        Role.DISPATCHER,
        Role.FIELD_ENGINEER,
        Role.GROUP_LEAD,
        Role.SUPERVISOR,
        Role.ADMIN,
    }
)
STAFF: Roles = WORKERS | {Role.INSPECTOR}
# Who may act on a ticket assigned to someone else (accept on their behalf, for instance).
OVERRIDERS: Roles = frozenset({Role.SUPERVISOR, Role.ADMIN, Role.SYSTEM})
# Who may be named as a step of an approval chain (审核/审批): any staff role; each step
# names one of them (and optionally one person).
APPROVERS: Roles = STAFF
# Who decides on a deadline extension (延期申请).
EXTENSION_DECIDERS: Roles = frozenset({Role.GROUP_LEAD, Role.SUPERVISOR})
