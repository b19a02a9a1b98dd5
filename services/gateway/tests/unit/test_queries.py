"""Saved views and keyword filters, and the Mongo query each list becomes."""

from datetime import UTC, datetime

import pytest

from services.gateway.adapters.mongo import ticket_query
from services.gateway.domain.callers import Caller, Role
from services.gateway.domain.queries import SAVED_VIEWS, TicketFilter, saved_view
from services.gateway.entrypoints.filters import SavedView
from shared.errors import InvalidFields

ME = Caller("u-1", "li.wei", "acme", frozenset({Role.FIELD_ENGINEER}))


def test_the_saved_view_names_are_the_routes():
    assert {v.value for v in SavedView} == set(SAVED_VIEWS)


def test_my_todo_is_my_open_tickets_and_my_watched_the_ones_i_watch():
    todo = ticket_query(saved_view("my-todo", "acme", ME))
    watched = ticket_query(saved_view("my-watched", "acme", ME))

    assert todo["assignee"] == "li.wei"
    assert set(todo["status"]["$in"]) >= {"assigned", "accepted", "in_progress"}
    assert "resolved" not in todo["status"]["$in"]
    assert watched == {"tenant_id": "acme", "watchers": "li.wei"}


def test_the_queues_of_the_dispatch_centre_quarantine_and_major_incidents():
    assert ticket_query(saved_view("dispatch-centre-queue", "acme", ME)) == {
        "tenant_id": "acme", "status": "new", "assignee": None,
    }  # fmt: skip
    assert ticket_query(saved_view("quarantine", "acme", ME))["status"] == "quarantined"
    major = ticket_query(saved_view("major-and-urgent", "acme", ME))
    assert major["severity"] == {"$in": ["major", "urgent"]}
    with pytest.raises(InvalidFields):
        saved_view("everything", "acme", ME)


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
