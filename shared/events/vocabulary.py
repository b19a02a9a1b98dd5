"""Enumerations that appear in event schemas and are shared by every service."""

from enum import StrEnum


class TicketType(StrEnum):
    INCIDENT = "incident"  # 故障
    SERVICE_REQUEST = "service_request"
    CONSULTATION = "consultation"  # 咨询
    COMPLAINT = "complaint"  # 投诉
    REPAIR = "repair"  # 报修


class Severity(StrEnum):
    NORMAL = "normal"
    URGENT = "urgent"  # 紧急
    MAJOR = "major"  # 重大


class Priority(StrEnum):
    P1 = "P1"
    P2 = "P2"
    P3 = "P3"
    P4 = "P4"
    P5 = "P5"


class Channel(StrEnum):
    PHONE = "phone"
    WEB = "web"
    EMAIL = "email"
    APP = "app"
    UPSTREAM = "upstream"


class TicketStatus(StrEnum):
    QUARANTINED = "quarantined"
    NEW = "new"
    ASSIGNED = "assigned"
    ACCEPTED = "accepted"
    IN_PROGRESS = "in_progress"
    WAITING_CUSTOMER = "waiting_customer"
    ON_HOLD = "on_hold"
    INVESTIGATION = "investigation"
    ESCALATED = "escalated"
    # 审核/审批: a resolution proposed, waiting for its approval chain (dispatch's tenant
    # approval rules); the last approval resolves the ticket, a rejection reopens it.
    PENDING_APPROVAL = "pending_approval"
    RESOLVED = "resolved"
    CLOSED = "closed"
    CANCELED = "canceled"
