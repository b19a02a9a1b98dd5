"""The WorkOrder aggregate: a ticket's workflow as dispatch owns it (SPEC §4).

Every command checks the transition table, changes the state and records the events it
causes in ``events``; a refused command raises and changes nothing.
"""

from datetime import datetime

from services.dispatch.domain.assignment import AssignmentCommands
from services.dispatch.domain.collaboration import CollaborationCommands
from services.dispatch.domain.escalation import EscalationCommands
from services.dispatch.domain.progress import ProgressCommands
from shared.events import SYSTEM_ACTOR, TicketRegistered
from shared.events.vocabulary import Severity, TicketStatus


class WorkOrder(AssignmentCommands, ProgressCommands, EscalationCommands, CollaborationCommands):
    @classmethod
    def open(cls, registered: TicketRegistered, now: datetime) -> "WorkOrder":
        p = registered.payload
        location = p.location
        order = cls(
            ticket_id=registered.ticket_id,
            tenant_id=registered.tenant_id,
            number=p.number,
            type=p.type,
            priority=p.priority,
            severity=p.severity,
            status=p.status,
            subject=p.subject,
            source=p.source,
            contact=p.contact,
            account_id=p.account_id,
            service=p.service,
            region=location.region if location else None,
            lon=location.lon if location else None,
            lat=location.lat if location else None,
            tags=list(p.tags),
            needs_onsite=p.needs_onsite,
            related_to=p.related_to or p.repeat_of,
        )
        if order.severity is Severity.MAJOR and order.status is not TicketStatus.QUARANTINED:
            order.raise_major_alert(SYSTEM_ACTOR, now)
        return order
