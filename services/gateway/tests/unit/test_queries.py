"""Saved views and keyword filters, and the Mongo query each list becomes."""

from datetime import UTC, datetime

import pytest

from services.gateway.adapters.mongo import ticket_query
from services.gateway.domain.callers import Caller, Role
from services.gateway.domain.projection import ARCHIVED_STATUSES, OPEN_STATUSES
from services.gateway.domain.queries import SAVED_VIEWS, TicketFilter, saved_view
from services.gateway.entrypoints.filters import SavedView
from shared.errors import InvalidFields

ME = Caller("u-1", "li.wei", "acme", frozenset({Role.FIELD_ENGINEER}))
ACME = TicketFilter("acme")
LEAD = Caller(
    "u-2", "zhao.lei", "acme", frozenset({Role.GROUP_LEAD}),
    groups=frozenset({"noc", "field"}), regions=frozenset({"chaoyang"}),
)  # fmt: skip


def test_the_saved_view_names_are_the_routes():
    assert {v.value for v in SavedView} == set(SAVED_VIEWS)


def test_my_todo_is_my_open_tickets_and_my_watched_the_ones_i_watch():
    todo = ticket_query(saved_view("my-todo", ACME, ME))
    watched = ticket_query(saved_view("my-watched", ACME, ME))

    assert todo["assignee"] == "li.wei"
    assert set(todo["status"]["$in"]) >= {"assigned", "accepted", "in_progress"}
    assert "resolved" not in todo["status"]["$in"]
    assert watched == {"tenant_id": "acme", "watchers": "li.wei"}


def test_the_queues_of_the_dispatch_centre_quarantine_and_major_incidents():
    assert ticket_query(saved_view("dispatch-centre-queue", ACME, ME)) == {
        "tenant_id": "acme", "status": "new", "assignee": None,
    }  # fmt: skip
    assert ticket_query(saved_view("quarantine", ACME, ME))["status"] == "quarantined"
    major = ticket_query(saved_view("major-and-urgent", ACME, ME))
    assert major["severity"] == {"$in": ["major", "urgent"]}
    with pytest.raises(InvalidFields):
        saved_view("everything", ACME, ME)


def test_every_filter_is_an_equality_range_or_in_never_an_or():
    at = datetime(2026, 3, 1, tzinfo=UTC)
    query = ticket_query(
        TicketFilter(
            "acme", statuses=("assigned",), priorities=("P1", "P2"), tag="vip", overdue=False,
            created_from=at, updated_to=at, number="acme-2026*",
        ).with_text("宽带 down")
    )  # fmt: skip

    assert query == {
        "tenant_id": "acme", "status": "assigned", "priority": {"$in": ["P1", "P2"]},
        "tags": "vip", "overdue": {"$ne": True}, "registered_at": {"$gte": at},
        "updated_at": {"$lt": at}, "search": {"$all": ["宽带", "down"]},
        "number": {"$gte": "acme-2026", "$lt": "acme-2026\uffff"},
    }  # fmt: skip
    assert "$or" not in repr(query)


def test_a_query_without_anything_to_search_for_is_a_422():
    with pytest.raises(InvalidFields) as refused:
        TicketFilter("acme").with_text(" ,.; ")
    assert set(refused.value.errors) == {"q"}


def test_my_group_is_the_open_tickets_of_my_groups_and_a_group_filter_narrows_it():
    query = ticket_query(saved_view("my-group", ACME, LEAD))
    assert query["group"] == {"$in": ["field", "noc"]}
    assert set(query["status"]["$in"]) == set(OPEN_STATUSES)

    one = ticket_query(saved_view("my-group", TicketFilter("acme", group="noc"), LEAD))
    assert one["group"] == "noc"
    assert saved_view("my-group", TicketFilter("acme", group="billing"), LEAD).nothing
    # No groups claim in the token: the caller's group has no tickets.
    assert saved_view("my-group", ACME, ME).nothing


def test_my_done_is_what_i_handled_that_moved_on_with_the_list_filters():
    query = ticket_query(saved_view("my-done", TicketFilter("acme", priorities=("P1",)), ME))
    assert query == {"tenant_id": "acme", "done_by": "li.wei", "priority": "P1"}


def test_region_in_flight_is_every_open_status_in_my_regions():
    query = ticket_query(saved_view("region-in-flight", ACME, LEAD))
    assert query["region"] == "chaoyang"
    statuses = set(query["status"]["$in"])
    assert {"new", "assigned", "in_progress", "resolved"} <= statuses
    assert not statuses & {"closed", "canceled", "quarantined"}
    assert saved_view("region-in-flight", ACME, ME).nothing
    assert saved_view("region-in-flight", TicketFilter("acme", region="haidian"), LEAD).nothing


def test_history_is_closed_and_canceled_and_a_status_filter_intersects_it():
    assert ticket_query(saved_view("history", ACME, ME))["status"] == {
        "$in": list(ARCHIVED_STATUSES)
    }
    closed = saved_view("history", TicketFilter("acme", statuses=("closed", "assigned")), ME)
    assert closed.statuses == ("closed",)
    assert not closed.nothing
    assert saved_view("history", TicketFilter("acme", statuses=("assigned",)), ME).nothing


def test_a_filter_a_view_excludes_finds_nothing():
    assert saved_view("my-todo", TicketFilter("acme", assignee="zhang.min"), ME).nothing
    assert not saved_view("my-todo", TicketFilter("acme", assignee="li.wei"), ME).nothing
    assert saved_view("dispatch-centre-queue", TicketFilter("acme", assignee="x"), ME).nothing
    urgent = saved_view("major-and-urgent", TicketFilter("acme", severities=("normal",)), ME)
    assert urgent.nothing


async def test_a_view_that_finds_nothing_asks_nothing_of_the_database():
    from services.gateway.adapters.mongo import MongoTicketViews
    from services.gateway.domain.queries import Page

    class NoDatabase(dict):
        def __getitem__(self, name):
            return None

    views = MongoTicketViews(NoDatabase(), None)  # type: ignore[arg-type]
    empty = saved_view("history", TicketFilter("acme", statuses=("new",)), ME)
    assert await views.search(empty, Page(10), datetime(2026, 3, 1, tzinfo=UTC)) == []
