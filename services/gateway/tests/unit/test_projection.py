from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from services.gateway.domain import projection
from services.gateway.tests.fakes import InMemoryTicketViews
from shared.events import TicketAssigned, TicketAssignedPayload
from shared.testing.builders import ticket_registered as registered

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def test_registration_sets_the_facts_and_the_initial_status():
    event = registered("t-1")
    change = projection.registered(event)
    assert change.ticket_id == "t-1"
    assert change.facts["number"] == "acme-t-1"
    assert change.aspects == {
        "status": {"status": "new"},
        "priority": {"priority": "P3"},
        "severity": {"severity": "normal"},
        "tags": {"tags": []},
    }
    assert change.at == event.occurred_at
    assert change.facts["list_key"] == f"{event.payload.registered_at:%Y-%m-%dT%H:%M:%S.%f}|t-1"
    assert change.entry is not None
    assert change.entry["type"] == "ticket.registered"
    assert "contact" not in change.entry["details"]


def test_assignment_changes_only_ordered_fields():
    event = TicketAssigned(
        occurred_at=T0 + timedelta(seconds=5),
        producer="dispatch",
        tenant_id="acme",
        ticket_id="t-1",
        payload=TicketAssignedPayload(assignee="li.wei", group="noc", reason="rule"),
    )
    change = projection.assigned(event)
    assert change.facts == {}
    assert change.aspects == {
        "status": {"status": "assigned"},
        "assignment": {"assignee": "li.wei", "group": "noc"},
    }


def _later(seconds: int) -> datetime:
    return T0 + timedelta(seconds=seconds)


def workflow() -> list:
    """registered → assigned → transferred → severity upgraded → status changes → resolved."""
    from shared.events.dispatch import (
        TicketResolved,
        TicketResolvedPayload,
        TicketSeverityUpgraded,
        TicketSeverityUpgradedPayload,
        TicketStatusChanged,
        TicketStatusChangedPayload,
        TicketTransferred,
        TicketTransferredPayload,
    )
    from shared.events.vocabulary import Severity, TicketStatus

    common = {"producer": "dispatch", "tenant_id": "acme", "ticket_id": "t-1"}
    return [
        registered("t-1", at=T0),
        TicketAssigned(
            occurred_at=_later(1),
            payload=TicketAssignedPayload(assignee="li.wei", group="noc", reason="rule"),
            **common,
        ),
        TicketTransferred(
            occurred_at=_later(2),
            payload=TicketTransferredPayload(
                from_assignee="li.wei",
                to_assignee="wang.fang",
                to_group="field",
                reason="wrong district",
                status=TicketStatus.ASSIGNED,
            ),
            **common,
        ),
        TicketSeverityUpgraded(
            occurred_at=_later(3),
            payload=TicketSeverityUpgradedPayload(
                from_severity=Severity.NORMAL,
                to_severity=Severity.URGENT,
                status=TicketStatus.ASSIGNED,
            ),
            **common,
        ),
        TicketStatusChanged(
            occurred_at=_later(4),
            payload=TicketStatusChangedPayload(
                from_status=TicketStatus.ASSIGNED, to_status=TicketStatus.ACCEPTED, command="accept"
            ),
            **common,
        ),
        TicketResolved(
            occurred_at=_later(5),
            payload=TicketResolvedPayload(cause="fibre cut", solution="spliced", closure_code="FX"),
            **common,
        ),
    ]


async def _apply_all(events) -> dict:
    views = InMemoryTicketViews()
    for event in events:
        change = projection.PROJECTIONS[type(event)](event)
        stamps, current = await views.current(change.ticket_id)
        await views.save(change.ticket_id, projection.update_for(change, stamps, current))
    doc = views.docs.get("t-1")
    assert doc is not None
    return doc


async def test_the_workflow_in_order_gives_the_latest_of_each_aspect():
    doc = await _apply_all(workflow())
    assert doc["status"] == "resolved"
    assert (doc["assignee"], doc["group"]) == ("wang.fang", "field")
    assert doc["severity"] == "urgent"
    assert doc["resolution"]["cause"] == "fibre cut"
    assert doc["number"] == "acme-t-1"


@settings(max_examples=60, deadline=None)
@given(st.permutations(range(6)), st.lists(st.integers(0, 5), max_size=4))
async def test_any_arrival_order_and_redelivery_gives_the_same_view(order, redelivered):
    events = workflow()
    shuffled = [events[i] for i in order] + [events[i] for i in redelivered]
    assert await _apply_all(shuffled) == await _apply_all(events)


def _status_change(at: datetime) -> projection.ViewChange:
    return projection.ViewChange(
        "t-1", "acme", at, {"subject": "x"}, {"status": {"status": "assigned"}}
    )


def test_an_aspect_set_by_a_later_event_is_kept_and_the_facts_still_apply():
    later = {"status": _later(9), "updated": _later(9)}
    update = projection.update_for(_status_change(_later(5)), later)
    assert update.fields == {"subject": "x", "tenant_id": "acme"}
    assert update.stamps == {}


def test_an_aspect_set_earlier_or_never_is_overwritten_and_restamped():
    for stamps in ({}, {"status": _later(1)}, {"status": _later(5)}, {"severity": _later(9)}):
        update = projection.update_for(_status_change(_later(5)), stamps)
        assert update.fields["status"] == "assigned"
        assert update.stamps == {"status": _later(5), "updated": _later(5)}
        assert update.fields["updated_at"] == _later(5)


async def test_the_history_has_every_event_once_in_time_order_whatever_the_arrival():
    events = workflow()
    doc = await _apply_all([*reversed(events), events[2]])
    history = projection.detail(doc)["history"]

    assert [h["type"] for h in history] == [e.event_type for e in events]
    assert history[1]["details"]["assignee"] == "li.wei"
    assert "timeline" not in projection.detail(doc)


async def test_tags_set_by_tag_events_survive_a_registration_seen_after_them():
    from shared.events.dispatch import TicketTagged, TicketTagsPayload

    reg = registered("t-1", at=_later(0))
    tagged = TicketTagged(
        occurred_at=_later(3), producer="dispatch", tenant_id="acme", ticket_id="t-1",
        payload=TicketTagsPayload(tag="vip", tags=["vip"]),
    )  # fmt: skip
    doc = await _apply_all([tagged, reg])

    assert doc["tags"] == ["vip"]
    assert doc["updated_at"] == _later(3)


def test_a_registration_is_found_by_its_number_subject_and_contact():
    from shared.events.submissions import RecordedContact

    event = registered("t-1")
    payload = event.payload.model_copy(update={
        "subject": "宽带无法上网 / broadband down", "description": "Посылка задерживается",
        "contact": RecordedContact(name="王女士", phone="+8613800138000"),
    })  # fmt: skip
    tokens = set(
        projection.registered(event.model_copy(update={"payload": payload})).facts["search"]
    )

    assert {"无法", "上网", "broadband", "bro", "посылка", "посыл", "acme", "t", "王女"} <= tokens
    assert "+8613800138000".lstrip("+") in tokens


def test_the_live_feed_names_a_major_incident_and_shows_only_queue_fields():
    normal = {"ticket_id": "t-1", "severity": "normal", "contact": {"phone": "+86"}}

    assert projection.feed_event(normal)[0] == "ticket"
    assert "contact" not in projection.feed_event(normal)[1]
    assert projection.feed_event(normal | {"severity": "major"})[0] == "major-incident"
    assert projection.feed_event(normal | {"major_alert": True})[0] == "major-incident"
    assert projection.feed_event(None)[0] == "reload"


async def test_the_detail_lists_attachments_with_a_preview_url_for_images():
    from shared.events.intake import AttachmentAdded, AttachmentAddedPayload

    def added(name: str, content_type: str, seconds: int) -> AttachmentAdded:
        return AttachmentAdded(
            occurred_at=_later(seconds), producer="intake", tenant_id="acme", ticket_id="t-1",
            payload=AttachmentAddedPayload(
                attachment_id=f"a-{seconds}", filename=name, size=3, content_type=content_type,
                sha256="0" * 64,
            ),
        )  # fmt: skip

    doc = await _apply_all([added("report.pdf", "application/pdf", 9), registered("t-1"),
                            added("cabinet.png", "image/png", 7)])  # fmt: skip
    files = projection.detail(doc)["attachments"]

    assert [(f["filename"], f["url"], f["preview_url"]) for f in files] == [
        ("cabinet.png", "/tickets/t-1/attachments/a-7", "/tickets/t-1/attachments/a-7"),
        ("report.pdf", "/tickets/t-1/attachments/a-9", None),
    ]


async def test_quality_inspection_shows_in_the_view_and_the_history_in_any_order():
    from shared.events.qc import (
        InspectionCreated,
        InspectionCreatedPayload,
        InspectionSubmitted,
        InspectionSubmittedPayload,
    )

    common = {"tenant_id": "acme", "ticket_id": "t-1"}
    created = InspectionCreated(
        occurred_at=_later(10), payload=InspectionCreatedPayload(reason="sample", overdue=False),
        **common,
    )  # fmt: skip
    submitted = InspectionSubmitted(
        occurred_at=_later(20), **common, payload=InspectionSubmittedPayload(
            inspector="qian", score=90.0, passed=True, failed_items=[], defects=[]),
    )  # fmt: skip
    doc = await _apply_all([submitted, created, registered("t-1", at=_later(0))])

    assert doc["qc"] == {"state": "submitted", "score": 90.0, "passed": True, "inspector": "qian"}
    types = [h["type"] for h in projection.detail(doc)["history"]]
    assert types == ["ticket.registered", "qc.inspection_created", "qc.inspection_submitted"]


async def test_a_notification_status_is_a_history_line_that_does_not_touch_the_ticket():
    from shared.events.notify import (
        DeliveryStatus,
        NotificationStatusChanged,
        NotificationStatusChangedPayload,
    )

    sent = NotificationStatusChanged(
        occurred_at=_later(9), tenant_id="acme", ticket_id="t-1",
        payload=NotificationStatusChangedPayload(
            delivery_id="d-1", channel="sms", recipient="li.wei", kind="ticket_transferred",
            status=DeliveryStatus.SENT, attempt=1,
        ),
    )  # fmt: skip
    before = await _apply_all(workflow())
    after = await _apply_all([*workflow(), sent])
    assert after["updated_at"] == before["updated_at"]
    line = projection.history(after["timeline"])[-1]
    assert (line["type"], line["details"]["recipient"], line["details"]["status"]) == (
        "notification.status_changed", "li.wei", "sent",
    )  # fmt: skip


def _breach(metric):
    from shared.events.sla import SlaBreached, SlaBreachedPayload

    return SlaBreached(
        occurred_at=_later(60), producer="sla", tenant_id="acme", ticket_id="t-1",
        payload=SlaBreachedPayload(metric=metric, policy_id="p", target_seconds=60,
                                   due_at=_later(59)),
    )  # fmt: skip


def test_a_handling_breach_makes_the_ticket_overdue_and_a_qc_one_only_enters_the_history():
    from shared.events.sla import SlaMetric

    late = projection.breached(_breach(SlaMetric.RESOLUTION))
    assert late.facts == {"overdue": True, "breached_resolution": True}
    for metric in (SlaMetric.INSPECTION, SlaMetric.APPEAL):
        qc = projection.breached(_breach(metric))
        assert qc.facts == {}  # neither overdue nor counted against the ticket's SLA
        assert qc.entry is not None
        assert qc.entry["type"] == "sla.breached"
        assert qc.entry["details"]["metric"] == metric.value


def _handled() -> list:
    """li.wei is assigned by the dispatcher and accepts, then transfers to wang.fang, who
    resolves it; a comment and an urge on the way are not handling it."""
    from shared.events import Actor
    from shared.events.dispatch import (
        CommentVisibility,
        TicketCommented,
        TicketCommentedPayload,
        TicketResolved,
        TicketResolvedPayload,
        TicketStatusChanged,
        TicketStatusChangedPayload,
        TicketTransferred,
        TicketTransferredPayload,
    )
    from shared.events.vocabulary import TicketStatus

    def by(name: str, role: str = "field_engineer") -> dict:
        return {"producer": "dispatch", "tenant_id": "acme", "ticket_id": "t-1",
                "actor": Actor(id=name, role=role)}  # fmt: skip

    return [
        registered("t-1", at=T0),
        TicketAssigned(
            occurred_at=_later(1), **by("wu.disp", "dispatcher"),
            payload=TicketAssignedPayload(assignee="li.wei", group="noc", reason="manual"),
        ),
        TicketStatusChanged(
            occurred_at=_later(2), **by("li.wei"),
            payload=TicketStatusChangedPayload(
                from_status=TicketStatus.ASSIGNED, to_status=TicketStatus.ACCEPTED,
                command="accept",
            ),
        ),
        TicketCommented(
            occurred_at=_later(3), **by("zhang.min", "agent"),
            payload=TicketCommentedPayload(
                comment_id="c-1", body="customer called",
                visibility=CommentVisibility.INTERNAL, status=TicketStatus.ACCEPTED,
            ),
        ),
        TicketTransferred(
            occurred_at=_later(4), **by("li.wei"),
            payload=TicketTransferredPayload(
                from_assignee="li.wei", to_assignee="wang.fang", to_group="field",
                reason="wrong district", status=TicketStatus.ASSIGNED,
            ),
        ),
        TicketResolved(
            occurred_at=_later(5), **by("wang.fang"),
            payload=TicketResolvedPayload(cause="fibre", solution="spliced", closure_code="FX"),
        ),
    ]  # fmt: skip


async def test_who_handled_a_ticket_and_whom_it_moved_on_from():
    events = _handled()
    transferred = await _apply_all(events[:5])
    assert transferred["handled_by"] == ["li.wei", "wu.disp"]
    assert transferred["done_by"] == ["li.wei", "wu.disp"]

    resolved = await _apply_all(events)
    assert resolved["handled_by"] == ["li.wei", "wang.fang", "wu.disp"]
    assert resolved["done_by"] == ["li.wei", "wang.fang", "wu.disp"]

    accepted = await _apply_all(events[:3])
    assert accepted["done_by"] == ["wu.disp"]  # li.wei still has it


def test_routing_rules_and_customers_handle_nothing():
    event = TicketAssigned(
        occurred_at=T0, producer="dispatch", tenant_id="acme", ticket_id="t-1",
        payload=TicketAssignedPayload(assignee="li.wei", group="noc", reason="rule"),
    )  # fmt: skip
    assert projection.assigned(event).handler is None
    assert projection.update_for(projection.assigned(event), {}, {}).fields.get("done_by") is None


@settings(max_examples=60, deadline=None)
@given(st.permutations(range(6)), st.lists(st.integers(0, 5), max_size=3))
async def test_who_handled_it_is_the_same_whatever_the_arrival_order(order, redelivered):
    events = _handled()
    shuffled = [events[i] for i in order] + [events[i] for i in redelivered]
    got, expected = await _apply_all(shuffled), await _apply_all(events)
    assert (got["handled_by"], got["done_by"]) == (expected["handled_by"], expected["done_by"])


def test_a_registration_keeps_the_customer_keys_and_no_history_copy_has_them():
    from shared.events.submissions import RecordedContact

    event = registered("t-1")
    payload = event.payload.model_copy(update={
        "contact": RecordedContact(phone="+86 139-0000-0000", email="Wang@Example.COM",
                                   contact_id="crm-7"),
        "account_id": " BB-0101 ",
    })  # fmt: skip
    change = projection.registered(event.model_copy(update={"payload": payload}))

    assert change.facts["customer_keys"] == ["+8613900000000", "BB-0101", "crm-7",
                                             "wang@example.com"]  # fmt: skip
    assert change.entry is not None
    assert "customer_keys" not in change.entry["details"]
    assert "contact" not in change.entry["details"]
    assert projection.registered(event).facts["customer_keys"] == []


def test_a_typed_number_is_a_key_as_the_registration_keeps_it():
    assert projection.customer_key(" +86 139 0000 0000 ") == "+8613900000000"
    assert projection.customer_key("Wang@Example.com") == "wang@example.com"
    assert projection.customer_key("BB-0101") == "BB-0101"
    assert projection.customer_key("+12") == "+12"  # not a phone: as typed
