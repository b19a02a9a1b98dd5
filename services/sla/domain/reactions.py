"""How each upstream event changes a ticket's SLA (pure: no I/O)."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from services.sla.domain.calendar import Calendar
from services.sla.domain.policy import Policy, select_policy
from services.sla.domain.ticket_sla import (
    INSPECTION_SUBMITTED,
    GrantedExtension,
    Judgement,
    TicketSla,
)
from shared.events import EventEnvelope
from shared.events.dispatch import (
    CustomerReplied,
    ExtensionApproved,
    TicketAccepted,
    TicketCanceled,
    TicketClosed,
    TicketPriorityChanged,
    TicketResolved,
    TicketSeverityUpgraded,
    TicketTransferred,
)
from shared.events.qc import (
    AppealFiled,
    InspectionCreated,
    InspectionSubmitted,
    ResponsibilityJudged,
)


@dataclass(frozen=True)
class Rules:
    calendar: Calendar
    policies: Sequence[Policy]
    autoclose_days: int


Reaction = Callable[[TicketSla, Any, Rules], None]


def _accepted(sla: TicketSla, event: TicketAccepted, rules: Rules) -> None:
    sla.reach("accepted", event.occurred_at)


def _transferred(sla: TicketSla, event: TicketTransferred, rules: Rules) -> None:
    sla.reach("transferred", event.occurred_at)


def _resolved(sla: TicketSla, event: TicketResolved, rules: Rules) -> None:
    sla.resolve(event.occurred_at, rules.calendar, rules.autoclose_days)


def _customer_replied(sla: TicketSla, event: CustomerReplied, rules: Rules) -> None:
    sla.cancel_autoclose(event.occurred_at, "customer_replied")


def _closed(sla: TicketSla, event: EventEnvelope, rules: Rules) -> None:
    sla.cancel_autoclose(event.occurred_at, "closed")


def _priority(sla: TicketSla, event: TicketPriorityChanged, rules: Rules) -> None:
    sla.change_facts(rules.policies, rules.calendar, priority=event.payload.to_priority)


def _severity(sla: TicketSla, event: TicketSeverityUpgraded, rules: Rules) -> None:
    sla.change_facts(rules.policies, rules.calendar, severity=event.payload.to_severity)


def _extended(sla: TicketSla, event: ExtensionApproved, rules: Rules) -> None:
    p = event.payload
    granted = GrantedExtension(
        p.extension_id, p.until, event.occurred_at, event.actor.id, p.requested_by, p.reason
    )
    sla.extend(granted, rules.calendar)


def _inspection_created(sla: TicketSla, event: InspectionCreated, rules: Rules) -> None:
    policy = select_policy(rules.policies, sla.facts)
    sla.open_inspection(event.occurred_at, policy, rules.calendar)


def _inspection_submitted(sla: TicketSla, event: InspectionSubmitted, rules: Rules) -> None:
    sla.reach(INSPECTION_SUBMITTED, event.occurred_at)


def _judged(sla: TicketSla, event: ResponsibilityJudged, rules: Rules) -> None:
    p = event.payload
    judgement = Judgement(p.judgement_id, event.occurred_at, p.appealable)
    sla.judge(judgement, select_policy(rules.policies, sla.facts), rules.calendar)


def _appealed(sla: TicketSla, event: AppealFiled, rules: Rules) -> None:
    sla.file_appeal(event.payload.judgement_id, event.occurred_at)


# Events not listed only move the status log (every dispatch payload carries ``status``);
# an internal comment therefore never touches auto-close, a customer reply does.
REACTIONS: dict[type[EventEnvelope], Reaction] = {
    TicketAccepted: _accepted,
    TicketTransferred: _transferred,
    TicketResolved: _resolved,
    CustomerReplied: _customer_replied,
    TicketClosed: _closed,
    TicketCanceled: _closed,
    TicketPriorityChanged: _priority,
    TicketSeverityUpgraded: _severity,
    ExtensionApproved: _extended,
    # quality control (qc events carry no status: they never move the status log)
    InspectionCreated: _inspection_created,
    InspectionSubmitted: _inspection_submitted,
    ResponsibilityJudged: _judged,
    AppealFiled: _appealed,
}


def react(sla: TicketSla, event: EventEnvelope, rules: Rules) -> None:
    """Apply ``event``'s meaning, then the status it leaves the ticket in."""
    reaction = REACTIONS.get(type(event))
    if reaction is not None:
        reaction(sla, event, rules)
    status = getattr(event.payload, "status", None)
    if status is not None:
        sla.record_status(status, event.occurred_at)
