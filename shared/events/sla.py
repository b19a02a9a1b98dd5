"""Events published by the SLA service on the SLA events topic.

The event type strings are the ones the product's issues name (``sla.warning``,
``sla.breached``, ``sla.autoclose_due``); the class names say what happened.
"""

from enum import StrEnum
from typing import Literal

from pydantic import AwareDatetime, Field

from shared.events.envelope import EventEnvelope, Frozen


class SlaMetric(StrEnum):
    RESPONSE = "response"  # registered → accepted
    TRANSFER = "transfer"  # registered → first transfer/dispatch action
    RESOLUTION = "resolution"  # registered → resolved
    INSPECTION = "inspection"  # qc: inspection created → submitted (质检时限)
    APPEAL = "appeal"  # qc: responsibility judged → appeal filed (the window to appeal)

    @property
    def handles_the_ticket(self) -> bool:
        """Whether the metric times the ticket's handling (a breach makes the ticket
        overdue) rather than quality control's work after closure."""
        return self in (SlaMetric.RESPONSE, SlaMetric.TRANSFER, SlaMetric.RESOLUTION)


class _Timed(EventEnvelope):
    topic_attr = "sla_events"


class SlaWarningIssuedPayload(Frozen):
    metric: SlaMetric
    policy_id: str
    threshold_percent: int = Field(gt=0, lt=100)
    target_seconds: int = Field(gt=0)
    elapsed_seconds: int = Field(ge=0)
    due_at: AwareDatetime


class SlaWarningIssued(_Timed):
    event_type: Literal["sla.warning"] = "sla.warning"
    payload: SlaWarningIssuedPayload


class SlaBreachedPayload(Frozen):
    metric: SlaMetric
    policy_id: str
    target_seconds: int = Field(gt=0)
    due_at: AwareDatetime


class SlaBreached(_Timed):
    event_type: Literal["sla.breached"] = "sla.breached"
    payload: SlaBreachedPayload


class AutoCloseBecameDuePayload(Frozen):
    resolved_at: AwareDatetime
    due_at: AwareDatetime


class AutoCloseBecameDue(_Timed):
    event_type: Literal["sla.autoclose_due"] = "sla.autoclose_due"
    payload: AutoCloseBecameDuePayload


SLA_EVENTS: tuple[type[EventEnvelope], ...] = (SlaWarningIssued, SlaBreached, AutoCloseBecameDue)
