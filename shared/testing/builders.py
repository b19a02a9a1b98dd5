"""What other systems would send, for tests: upstream submissions, and events as other
services would publish them for tests that feed a consumer."""

from datetime import UTC, datetime
from typing import Any

from shared.events import TicketRegistered, TicketRegisteredPayload
from shared.events.intake import TenantProvisioned, TenantProvisionedPayload
from shared.events.submissions import Submission
from shared.events.vocabulary import Channel, Priority, Severity, TicketStatus, TicketType


def submission_fields(**overrides: Any) -> dict[str, Any]:
    """A valid upstream submission as JSON fields: a phoned-in complaint to tenant acme."""
    fields: dict[str, Any] = {
        "tenant_id": "acme",
        "source": "phone",
        "external_ref": "call-1",
        "type": "complaint",
        "subject": "Parcel lost",
        "contact": {"phone": "+8613800000000"},
        "urgency": 2,
        "impact": 1,
    }
    return fields | overrides


def submission(**overrides: Any) -> Submission:
    return Submission.model_validate(submission_fields(**overrides))


def ticket_registered(
    ticket_id: str,
    ticket_type: TicketType = TicketType.INCIDENT,
    status: TicketStatus = TicketStatus.NEW,
    tenant_id: str = "acme",
    at: datetime | None = None,
) -> TicketRegistered:
    now = at or datetime.now(UTC)
    return TicketRegistered(
        occurred_at=now,
        producer="intake",
        tenant_id=tenant_id,
        ticket_id=ticket_id,
        payload=TicketRegisteredPayload(
            number=f"{tenant_id}-{ticket_id}",
            source=Channel.WEB,
            external_ref=ticket_id,
            type=ticket_type,
            subject="subject",
            urgency=2,
            impact=2,
            priority=Priority.P3,
            severity=Severity.NORMAL,
            status=status,
            registered_at=now,
        ),
    )


def tenant_provisioned(
    tenant_id: str, name: str = "Test tenant", at: datetime | None = None
) -> TenantProvisioned:
    """As intake announces a provisioning (or a rename) of ``tenant_id``."""
    return TenantProvisioned(
        occurred_at=at or datetime.now(UTC),
        producer="intake",
        tenant_id=tenant_id,
        payload=TenantProvisionedPayload(tenant_id=tenant_id, name=name),
    )
