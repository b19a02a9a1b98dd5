"""What each consumed event says about a ticket's QC case."""

from collections.abc import Callable

from services.qc.domain.cases import QcCase, Registration, Resolution
from shared.events import TicketRegistered
from shared.events import dispatch as d
from shared.events import sla as s

Change = Callable[[QcCase], None]


def registered(event: TicketRegistered) -> Change:
    p = event.payload

    def change(case: QcCase) -> None:
        case.registration = Registration(
            p.number, p.source.value, p.source_system, p.external_ref, p.registered_at,
            p.type.value, p.subject, p.contact.model_dump() if p.contact else None,
            p.account_id, p.service,
        )  # fmt: skip

    return change


def resolved(event: d.TicketResolved) -> Change:
    p = event.payload

    def change(case: QcCase) -> None:
        # A reopened and resolved again ticket: the latest resolution is the one returned.
        if case.resolution is None or case.resolution.resolved_at <= event.occurred_at:
            case.resolution = Resolution(
                p.cause, p.solution, p.closure_code, p.overdue_reason, event.occurred_at
            )

    return change


def closed(event: d.TicketClosed) -> Change:
    def change(case: QcCase) -> None:
        case.closed_at, case.closure_reason = event.occurred_at, event.payload.reason

    return change


def breached(event: s.SlaBreached) -> Change:
    metric = event.payload.metric

    def change(case: QcCase) -> None:
        if metric.handles_the_ticket:
            case.breached = True
        elif metric is s.SlaMetric.APPEAL:
            case.close_appeal_window(event.payload.due_at)

    return change
