"""SPEC §4 as data: (status, command) → the status after it and the roles allowed to run it."""

from collections.abc import Iterable
from dataclasses import dataclass

from services.dispatch.domain import roles as r
from services.dispatch.domain.command_names import Command
from services.dispatch.domain.errors import Forbidden, IllegalTransition
from shared.events.vocabulary import TicketStatus as S


@dataclass(frozen=True)
class Transition:
    target: S  # equal to the source for commands that leave the status alone
    roles: r.Roles


ALL = frozenset(S)
OPEN = ALL - {S.RESOLVED, S.CLOSED, S.CANCELED}
NOT_CLOSED = ALL - {S.CLOSED}
ASSIGNED_WORK = frozenset(
    {S.ASSIGNED, S.ACCEPTED, S.IN_PROGRESS, S.ON_HOLD, S.INVESTIGATION, S.ESCALATED}
)
UNDER_WAY = frozenset({S.ACCEPTED, S.IN_PROGRESS, S.ON_HOLD, S.INVESTIGATION, S.ESCALATED})
PAUSED = frozenset({S.WAITING_CUSTOMER, S.ON_HOLD, S.INVESTIGATION, S.ESCALATED})
ESCALATABLE = ASSIGNED_WORK | {S.WAITING_CUSTOMER}
RESOLVABLE = frozenset({S.ACCEPTED, S.IN_PROGRESS, S.INVESTIGATION, S.ESCALATED})
URGEABLE = OPEN - {S.QUARANTINED}
# Where a deadline extension can be asked for and decided: while somebody holds the work.
EXTENDABLE = ASSIGNED_WORK | {S.WAITING_CUSTOMER, S.PENDING_APPROVAL}
FINISHED = frozenset({S.RESOLVED, S.CLOSED})
# Where ``resolve`` goes instead of resolved when a tenant approval rule covers the ticket.
AWAITING_APPROVAL = S.PENDING_APPROVAL

# (command, sources, target or None to stay, roles)
_ROWS: tuple[tuple[Command, Iterable[S], S | None, r.Roles], ...] = (
    (Command.RELEASE, {S.QUARANTINED}, S.NEW, r.SYSTEM),
    (Command.ASSIGN, {S.NEW}, S.ASSIGNED, r.DISPATCHING),
    (Command.ACCEPT, {S.ASSIGNED}, S.ACCEPTED, r.WORKERS),
    (Command.START, {S.ACCEPTED}, S.IN_PROGRESS, r.WORKERS),
    (Command.TRANSFER, ASSIGNED_WORK, S.ASSIGNED, r.WORKERS),
    (Command.RETURN_TO_CENTRE, ASSIGNED_WORK, S.NEW, r.WORKERS),
    (Command.URGE, URGEABLE, None, r.STAFF | r.CUSTOMER),
    (Command.TAG, NOT_CLOSED, None, r.STAFF),
    (Command.UNTAG, NOT_CLOSED, None, r.STAFF),
    (Command.WATCH, NOT_CLOSED, None, r.STAFF),
    (Command.UNWATCH, ALL, None, r.STAFF),
    (Command.SHARE, NOT_CLOSED, None, r.STAFF),
    (Command.ESCALATE, ESCALATABLE, S.ESCALATED, r.WORKERS | r.CUSTOMER | r.SYSTEM),
    (Command.UPGRADE_SEVERITY, OPEN, None, r.STAFF | r.SYSTEM),
    (Command.CONVERT_TO_PROBLEM, UNDER_WAY, None, r.WORKERS),
    (Command.SUBMIT_CHANGE, UNDER_WAY, None, r.WORKERS),
    (Command.WAIT_CUSTOMER, {S.IN_PROGRESS}, S.WAITING_CUSTOMER, r.WORKERS),
    (Command.HOLD, {S.IN_PROGRESS}, S.ON_HOLD, r.WORKERS),
    (Command.INVESTIGATE, {S.IN_PROGRESS}, S.INVESTIGATION, r.WORKERS),
    (Command.RESUME, PAUSED, S.IN_PROGRESS, r.WORKERS),
    (Command.RESOLVE, RESOLVABLE, S.RESOLVED, r.WORKERS),
    (Command.CUSTOMER_REPLY, {S.WAITING_CUSTOMER, S.RESOLVED}, S.IN_PROGRESS, r.CUSTOMER_DESK),
    # 归档 is final: a reply to a closed ticket opens a follow-up ticket instead.
    (Command.CUSTOMER_REPLY, {S.CLOSED}, None, r.CUSTOMER_DESK),
    (Command.CONFIRM, {S.RESOLVED, S.WAITING_CUSTOMER}, S.CLOSED, r.CUSTOMER_DESK),
    (Command.CANCEL, OPEN, S.CLOSED, r.CUSTOMER_DESK),
    (Command.AUTO_CLOSE, {S.RESOLVED}, S.CLOSED, r.SYSTEM),
    (Command.CLOSE, {S.CANCELED}, S.CLOSED, r.SYSTEM),
    (Command.COMMENT, ALL, None, r.STAFF),
    (Command.PORTAL_MESSAGE, NOT_CLOSED, None, r.STAFF | r.CUSTOMER),
    # 审核/审批: resolved is where the last step leads; an earlier step stays pending.
    (Command.APPROVE, {S.PENDING_APPROVAL}, S.RESOLVED, r.APPROVERS),
    (Command.REJECT, {S.PENDING_APPROVAL}, S.IN_PROGRESS, r.APPROVERS),
    (Command.REQUEST_EXTENSION, EXTENDABLE, None, r.WORKERS),
    (Command.APPROVE_EXTENSION, EXTENDABLE, None, r.EXTENSION_DECIDERS),
    (Command.REJECT_EXTENSION, EXTENDABLE, None, r.EXTENSION_DECIDERS),
    (Command.TRACK, FINISHED, None, r.WORKERS),
    (Command.CLOSE_TRACKING, ALL, None, r.WORKERS),
    (Command.TRACK_TO_NEW_TICKET, FINISHED, None, r.WORKERS),
)


def _table() -> dict[tuple[S, Command], Transition]:
    table: dict[tuple[S, Command], Transition] = {}
    for command, sources, target, roles in _ROWS:
        for source in sources:
            table[(source, command)] = Transition(target or source, roles)
    return table


TABLE = _table()


def allowed_commands(status: S) -> list[str]:
    return sorted(command.value for (source, command) in TABLE if source is status)


def role_may(status: S, command: Command, role: str) -> bool:
    """Whether ``role`` may run ``command`` from ``status`` (the table's roles only)."""
    found = TABLE.get((status, command))
    return found is not None and role in found.roles


def transition(status: S, command: Command, role: str) -> Transition:
    """The transition ``command`` makes from ``status``; refused if illegal or not the role's."""
    found = TABLE.get((status, command))
    if found is None:
        raise IllegalTransition(
            f"cannot {command.value} a ticket in status {status.value}",
            allowed=allowed_commands(status),
        )
    if role not in found.roles:
        raise Forbidden(f"role {role!r} may not {command.value}", sorted(found.roles))
    return found
