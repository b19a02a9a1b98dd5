"""Who is told: each audience, once per person, never the actor; the ticket as notify
follows it, whatever order its events come in."""

from datetime import UTC, datetime, timedelta

import pytest

from services.notify.domain.rendering import Kind
from services.notify.domain.rules import (
    CONTACT,
    DEFAULT_RULES,
    Audience,
    Notice,
    Roster,
    recipients,
)
from services.notify.domain.tickets import FollowedTicket

T0 = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)


def ticket(**fields: object) -> FollowedTicket:
    t = FollowedTicket("t-1", "demo")
    t.update(T0, **fields)
    return t


def told(kind: Kind, t: FollowedTicket, actor: str = "someone", roster: Roster | None = None,
         shared: tuple[str, ...] = ()) -> list[tuple[str, Audience]]:  # fmt: skip
    notice = Notice(kind, "e-1", T0, actor, shared_with=shared)
    found = recipients(notice, t, DEFAULT_RULES[kind], roster or Roster())
    return [(r.key, r.audience) for r in found]


def test_every_kind_has_a_default_rule() -> None:
    assert set(DEFAULT_RULES) == set(Kind)


def test_a_transfer_tells_the_new_assignee_and_the_watchers() -> None:
    t = ticket(assignee="li.wei", watchers=["zhang.min"])
    assert told(Kind.TRANSFERRED, t) == [
        ("li.wei", Audience.ASSIGNEE), ("zhang.min", Audience.WATCHERS),
    ]  # fmt: skip


def test_the_actor_is_not_told_of_what_they_did() -> None:
    t = ticket(assignee="li.wei", watchers=["li.wei", "zhang.min"])
    assert told(Kind.TRANSFERRED, t, actor="zhang.min") == [("li.wei", Audience.ASSIGNEE)]


def test_the_requester_is_the_contact_and_the_portal_user_who_submitted() -> None:
    t = ticket(contact_email="ivan@example.ru", submitted_by="ivan")
    assert told(Kind.RESOLVED, t) == [(CONTACT, Audience.REQUESTER), ("ivan", Audience.REQUESTER)]


def test_a_ticket_without_contact_addresses_has_no_contact_recipient() -> None:
    assert told(Kind.REGISTERED, ticket(contact_name="Ivan")) == []


def test_a_breach_reaches_the_group_lead_and_the_supervisors_on_duty() -> None:
    roster = Roster(group_leads=("wang.lead",), supervisors_on_duty=("sup.a", "wang.lead"),
                    on_duty=("sup.a", "wang.lead", "eng.b"))  # fmt: skip
    assert told(Kind.SLA_BREACHED, ticket(assignee="li.wei"), roster=roster) == [
        ("li.wei", Audience.ASSIGNEE), ("wang.lead", Audience.GROUP_LEAD),
        ("sup.a", Audience.SUPERVISORS_ON_DUTY),
    ]  # fmt: skip


def test_a_major_alert_reaches_everybody_on_duty() -> None:
    roster = Roster(on_duty=("sup.a", "eng.b", "raiser"))
    assert [key for key, _ in told(Kind.MAJOR_ALERT, ticket(), "raiser", roster)] == [
        "sup.a", "eng.b",
    ]  # fmt: skip


def test_sharing_tells_only_those_it_was_shared_with_now() -> None:
    t = ticket(watchers=["w"])
    t.shared_with.update({"old", "new"})
    assert told(Kind.SHARED, t, shared=("new",)) == [("new", Audience.SHARED_WITH)]


def test_people_it_was_shared_with_follow_it_like_watchers() -> None:
    t = ticket(assignee="li.wei")
    t.shared_with.add("zhang.min")
    assert ("zhang.min", Audience.WATCHERS) in told(Kind.RESOLVED, t)


def test_an_older_event_never_overwrites_a_newer_one() -> None:
    t = FollowedTicket("t-1", "demo")
    t.set("assignee", "new.one", T0)
    t.set("assignee", "old.one", T0 - timedelta(seconds=1))  # a late transfer
    t.set("number", "GD-1", T0 - timedelta(hours=1))  # a late registration still fills in
    assert (t.get("assignee"), t.get("number")) == ("new.one", "GD-1")


def test_an_unknown_field_is_a_bug_not_silently_kept() -> None:
    with pytest.raises(ValueError, match="unknown"):
        FollowedTicket("t-1", "demo").set("colour", "red", T0)


def test_an_appeal_decision_reaches_who_appealed_and_the_units_leads_not_the_reviewer() -> None:
    notice = Notice(Kind.APPEAL_DECIDED, "e-1", T0, "sun", concerned=("chen", "li.wei", "sun"),
                    unit="delivery-3")  # fmt: skip
    roster = Roster(group_leads=("chen", "wang.lead"))
    found = recipients(notice, ticket(assignee="zhao"), DEFAULT_RULES[Kind.APPEAL_DECIDED], roster)
    assert [(r.key, r.audience) for r in found] == [
        ("chen", Audience.CONCERNED), ("li.wei", Audience.CONCERNED),
        ("wang.lead", Audience.GROUP_LEAD),
    ]  # fmt: skip
