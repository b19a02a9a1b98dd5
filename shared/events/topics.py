"""Kafka topic names.

Every name hangs off a namespace (``ticketflow`` in production) so that a test run can
isolate itself on the shared broker by choosing a unique namespace.
"""

from dataclasses import dataclass

DLQ_SUFFIX = ".dlq"


def dead_letter_topic(topic: str) -> str:
    return f"{topic}{DLQ_SUFFIX}"


def compacted_topics(topics: "Topics") -> frozenset[str]:
    """Topics that services rebuild a projection from: Kafka keeps each key's latest message
    instead of a week of them, so that a service started later, or on an empty database,
    still learns every tenant ever provisioned."""
    return frozenset({topics.intake_tenants})


@dataclass(frozen=True)
class Topics:
    namespace: str = "ticketflow"

    @property
    def upstream_submissions(self) -> str:
        return f"{self.namespace}.upstream.submissions"

    @property
    def upstream_customers(self) -> str:
        """Customer directory changes from upstream CRM systems (e.g. customer.verified)."""
        return f"{self.namespace}.upstream.customers"

    @property
    def upstream_returns(self) -> str:
        return f"{self.namespace}.upstream.returns"

    @property
    def intake_events(self) -> str:
        return f"{self.namespace}.intake.events"

    @property
    def intake_tenants(self) -> str:
        """Intake's tenant registry (tenant.provisioned), keyed by tenant id."""
        return f"{self.namespace}.intake.tenants"

    @property
    def dispatch_events(self) -> str:
        return f"{self.namespace}.dispatch.events"

    @property
    def sla_events(self) -> str:
        return f"{self.namespace}.sla.events"

    @property
    def qc_events(self) -> str:
        return f"{self.namespace}.qc.events"

    @property
    def notify_events(self) -> str:
        return f"{self.namespace}.notify.events"

    @property
    def dead_letter_actions(self) -> str:
        """What operators did with dead letters (replayed, purged), keyed by dead letter."""
        return f"{self.namespace}.dlq-actions"
