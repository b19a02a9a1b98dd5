import json
import logging
from datetime import UTC, datetime, timedelta, timezone
from uuid import uuid4

import pytest
from pydantic import ValidationError

from shared.events import (
    EVENT_CLASSES,
    EVENT_TYPES,
    Actor,
    MalformedEvent,
    TicketAssigned,
    TicketAssignedPayload,
    TicketRegistered,
    TicketRegisteredPayload,
    decode_event,
    encode_event,
)
from shared.events.intake import TenantProvisioned, TenantProvisionedPayload
from shared.events.submissions import Contact
from shared.events.vocabulary import Channel, Priority, Severity, TicketStatus, TicketType

BEIJING = timezone(timedelta(hours=8))


def registered(**overrides) -> TicketRegistered:
    fields = {
        "occurred_at": datetime(2026, 3, 1, 9, 30, tzinfo=BEIJING),
        "producer": "intake",
        "tenant_id": "acme",
        "ticket_id": "t-1",
        "actor": Actor(id="op-7", role="agent"),
        "correlation_id": "ext-1",
        "payload": TicketRegisteredPayload(
            number="acme-20260301-000001",
            source=Channel.PHONE,
            external_ref="ext-1",
            type=TicketType.COMPLAINT,
            subject="宽带断网",
            contact=Contact(phone="+8613800000000"),
            urgency=2,
            impact=1,
            priority=Priority.P2,
            severity=Severity.NORMAL,
            status=TicketStatus.NEW,
            registered_at=datetime(2026, 3, 1, 1, 30, tzinfo=UTC),
        ),
    }
    return TicketRegistered(**(fields | overrides))


def test_round_trip_keeps_every_field():
    event = registered()
    assert decode_event(encode_event(event)) == event


def test_occurred_at_is_normalised_to_utc():
    assert registered().occurred_at == datetime(2026, 3, 1, 1, 30, tzinfo=UTC)
    assert registered().occurred_at.utcoffset() == timedelta(0)


def test_naive_timestamps_are_refused():
    with pytest.raises(ValidationError, match="occurred_at"):
        registered(occurred_at=datetime(2026, 3, 1, 9, 30))


def test_the_union_picks_the_class_from_event_type():
    assigned = TicketAssigned(
        occurred_at=datetime.now(UTC),
        producer="dispatch",
        tenant_id="acme",
        ticket_id="t-1",
        payload=TicketAssignedPayload(assignee="li.wei", reason="rule"),
    )
    decoded = decode_event(encode_event(assigned))
    assert type(decoded) is TicketAssigned
    assert type(decode_event(encode_event(registered()))) is TicketRegistered


def test_events_are_frozen():
    event = registered()
    with pytest.raises(ValidationError):
        event.tenant_id = "other"  # type: ignore[misc]


def test_kafka_key_is_the_ticket_id():
    assert registered().key == b"t-1"


def test_unknown_event_type_is_skipped_with_a_log_line(caplog):
    raw = json.dumps({"event_id": str(uuid4()), "event_type": "ticket.teleported", "x": 1})
    with caplog.at_level(logging.INFO, logger="shared.events.codec"):
        assert decode_event(raw) is None
    assert "ticket.teleported" in caplog.records[0].__dict__["event_type"]


def test_known_type_with_a_bad_payload_is_malformed():
    raw = json.loads(encode_event(registered()))
    raw["payload"]["urgency"] = "very"
    with pytest.raises(MalformedEvent) as info:
        decode_event(json.dumps(raw))
    assert info.value.event_type == "ticket.registered"


@pytest.mark.parametrize("raw", [b"not json", b"[]", b'{"event_type": "ticket.registered"}'])
def test_garbage_is_malformed(raw):
    with pytest.raises(MalformedEvent):
        decode_event(raw)


def test_every_event_type_is_registered_once():
    assert len(EVENT_TYPES) == len(EVENT_CLASSES)


def test_every_event_class_parses_back_to_itself_by_its_type():
    for cls in EVENT_CLASSES:
        event_type = cls.model_fields["event_type"].default
        assert event_type.count(".") == 1, event_type
        assert cls.topic_attr in {
            "intake_events",
            "intake_tenants",
            "dispatch_events",
            "sla_events",
            "qc_events",
            "notify_events",
        }


def provisioned(tenant: str = "acme", **payload: str) -> TenantProvisioned:
    """``payload`` overrides the payload's fields (its ``tenant_id`` is the envelope's)."""
    return TenantProvisioned(
        occurred_at=datetime(2026, 3, 1, 9, 30, tzinfo=BEIJING),
        producer="intake",
        tenant_id=tenant,
        payload=TenantProvisionedPayload(**({"tenant_id": tenant, "name": "ACME"} | payload)),
    )


def test_a_provisioned_tenant_is_keyed_by_its_id_and_names_no_ticket():
    event = provisioned()

    assert (event.key, event.ticket_id) == (b"acme", "")
    assert decode_event(encode_event(event)) == event


def test_a_provisioning_names_one_tenant_in_envelope_and_payload():
    with pytest.raises(ValidationError, match="differs"):
        provisioned("acme", tenant_id="beta")


@pytest.mark.parametrize("name", ["", "   ", "two\nlines", "x" * 201])
def test_a_provisioned_tenant_has_a_one_line_name(name):
    with pytest.raises(ValidationError):
        provisioned(name=name)


def test_a_provisioning_about_a_ticket_is_malformed():
    raw = json.loads(encode_event(provisioned()))
    raw["ticket_id"] = "t-1"
    with pytest.raises(MalformedEvent):
        decode_event(json.dumps(raw))
