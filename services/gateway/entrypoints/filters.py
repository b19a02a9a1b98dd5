"""A ticket list's query parameters, as the domain's filter and page."""

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum
from typing import Annotated

from fastapi import Depends, Query

from services.gateway.domain.queries import Page, TicketFilter
from services.gateway.entrypoints.deps import Tenant
from shared.events.vocabulary import Channel, Priority, Severity, TicketStatus, TicketType

Name = Annotated[str | None, Query(min_length=1, max_length=100)]
Several = Query(max_length=20)


class SavedView(StrEnum):
    """The names of ``queries.SAVED_VIEWS``."""

    MY_TODO = "my-todo"
    MY_WATCHED = "my-watched"
    DISPATCH_CENTRE_QUEUE = "dispatch-centre-queue"
    QUARANTINE = "quarantine"
    MAJOR_AND_URGENT = "major-and-urgent"
    MY_GROUP = "my-group"
    MY_DONE = "my-done"
    REGION_IN_FLIGHT = "region-in-flight"
    HISTORY = "history"


class Order(StrEnum):
    NEWEST = "newest"
    OLDEST = "oldest"


def ticket_filter(
    tenant: Tenant,
    status: Annotated[list[TicketStatus], Several] = [],  # noqa: B006 - FastAPI copies it
    type: Annotated[list[TicketType], Several] = [],  # noqa: B006
    priority: Annotated[list[Priority], Several] = [],  # noqa: B006
    severity: Annotated[list[Severity], Several] = [],  # noqa: B006
    source: Annotated[list[Channel], Several] = [],  # noqa: B006
    tag: Name = None,
    assignee: Name = None,
    group: Name = None,
    region: Name = None,
    overdue: bool | None = None,
    created_from: datetime | None = None,
    created_to: datetime | None = None,
    updated_from: datetime | None = None,
    updated_to: datetime | None = None,
    q: Annotated[str | None, Query(min_length=1, max_length=200, description="Keywords")] = None,
    number: Annotated[
        str | None, Query(min_length=1, max_length=64, description="Exact, or a prefix with *")
    ] = None,
) -> TicketFilter:
    return TicketFilter(
        tenant, values(status), values(type), values(priority), values(severity),
        values(source), tag, assignee, group=group, region=region, overdue=overdue,
        created_from=created_from, created_to=created_to, updated_from=updated_from,
        updated_to=updated_to, number=number,
    ).with_text(q)  # fmt: skip


def values(items: Sequence[StrEnum]) -> tuple[str, ...]:
    return tuple(item.value for item in items)


def page(
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    after: Annotated[str | None, Query(min_length=1, max_length=200, description="`next`")] = None,
    order: Order = Order.NEWEST,
) -> Page:
    return Page(limit, after, oldest_first=order is Order.OLDEST)


Paging = Annotated[Page, Depends(page)]
