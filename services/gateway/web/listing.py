"""What a ticket list page asks for (the live queue and each saved view): its small filter
form, a page size and the API's cursor, read from the query string leniently — a page never
answers a 422 for a value it did not offer; an unknown one is simply left out — and the
saved views the navigation links, each with the roles the API lets read it."""

from collections.abc import Mapping
from dataclasses import dataclass, replace
from urllib.parse import urlencode

from services.gateway.domain.callers import REPORT_READERS, STAFF, Caller, Role, Roles
from services.gateway.domain.queries import Page, TicketFilter
from services.gateway.web.i18n import N_
from services.gateway.web.render import SEVERITY_LABELS, STATUS_LABELS
from shared.events.vocabulary import Priority

PAGE_SIZE = 100
MAX_PAGE_SIZE = 200  # the API's own limit for a page
PRIORITIES = tuple(p.value for p in Priority)
# What the filter form offers (a template's values).
FORM_CHOICES = {"statuses": STATUS_LABELS, "priorities": PRIORITIES, "severities": SEVERITY_LABELS}


@dataclass(frozen=True)
class ListForm:
    status: str = ""
    q: str = ""
    priority: str = ""
    severity: str = ""
    assignee: str = ""
    overdue: bool = False
    after: str = ""  # the previous page's ``next``
    size: int = PAGE_SIZE

    def ticket_filter(self, tenant_id: str) -> TicketFilter:
        """The API's filter; ``InvalidFields`` for keywords without letters or digits."""
        return TicketFilter(
            tenant_id, statuses=_one(self.status), priorities=_one(self.priority),
            severities=_one(self.severity), assignee=self.assignee or None,
            overdue=True if self.overdue else None,
        ).with_text(self.q or None)  # fmt: skip

    def page(self) -> Page:
        return Page(self.size, self.after or None)

    def query(self, **changes: object) -> str:
        """This form as a query string (with ``changes``), leaving out what is blank."""
        form = replace(self, **changes)  # type: ignore[arg-type]
        pairs = {
            "status": form.status, "q": form.q, "priority": form.priority,
            "severity": form.severity, "assignee": form.assignee,
            "overdue": "1" if form.overdue else "", "after": form.after,
            "size": "" if form.size == PAGE_SIZE else str(form.size),
        }  # fmt: skip
        return urlencode({k: v for k, v in pairs.items() if v})

    @property
    def narrowed(self) -> bool:
        return any((self.status, self.q, self.priority, self.severity, self.assignee,
                    self.overdue))  # fmt: skip


def _one(value: str) -> tuple[str, ...]:
    return (value,) if value else ()


def _choice(value: str | None, allowed: object) -> str:
    return value if isinstance(value, str) and value in allowed else ""  # type: ignore[operator]


def _size(value: str | None) -> int:
    try:
        return min(max(int(value or PAGE_SIZE), 1), MAX_PAGE_SIZE)
    except ValueError:
        return PAGE_SIZE


def read_form(params: Mapping[str, str]) -> ListForm:
    """The form from a page's query string."""
    return ListForm(
        status=_choice(params.get("status"), STATUS_LABELS),
        q=(params.get("q") or "").strip()[:200],
        priority=_choice(params.get("priority"), PRIORITIES),
        severity=_choice(params.get("severity"), SEVERITY_LABELS),
        assignee=(params.get("assignee") or "").strip()[:100],
        overdue=(params.get("overdue") or "") in ("1", "true", "on"),
        after=(params.get("after") or "").strip()[:200],
        size=_size(params.get("size")),
    )


@dataclass(frozen=True)
class ViewPage:
    name: str  # the API's name: /views/{name}, or dispatch's queue behind /approvals …
    label: str
    readers: Roles
    # Read from the gateway's read model (filters, paging, export), or one of dispatch's
    # own queues (its answer as it is: no filters, one page).
    read_model: bool = True


VIEWS: dict[str, ViewPage] = {
    v.name: v
    for v in (
        ViewPage("my-todo", N_("My to-do"), STAFF),
        ViewPage("my-watched", N_("My watched"), STAFF),
        ViewPage("my-group", N_("My group's queue"), STAFF),
        ViewPage("my-done", N_("My done"), STAFF),
        ViewPage("dispatch-centre-queue", N_("Dispatch-centre queue"), STAFF),
        ViewPage("quarantine", N_("Quarantine"), STAFF),
        ViewPage("major-and-urgent", N_("Major and urgent"), STAFF),
        ViewPage("region-in-flight", N_("In flight in my region"), STAFF),
        ViewPage("history", N_("Closed and canceled"), STAFF),
        ViewPage("tracked", N_("My tracked tickets"), STAFF, read_model=False),
        ViewPage("approvals", N_("Awaiting my approval"), STAFF, read_model=False),
        ViewPage("extensions", N_("Deadline extensions"), REPORT_READERS, read_model=False),
    )
}


def may_read(caller: Caller | None, view: ViewPage) -> bool:
    """The API's role check for the view (a platform admin reads every one)."""
    if caller is None:
        return False
    return bool(caller.roles & (view.readers | {Role.PLATFORM_ADMIN}))


def readable_views(caller: Caller | None) -> list[ViewPage]:
    """The views the navigation links for the caller: never one the API would refuse."""
    return [v for v in VIEWS.values() if may_read(caller, v)]


@dataclass(frozen=True)
class ListLinks:
    """Where a list page's parts go, each keeping the form: its rows again (the live feed),
    the next and the first page, and the exports of every ticket the filter finds."""

    rows: str
    next: str | None
    first: str | None
    csv: str
    xlsx: str


def _url(path: str, query: str) -> str:
    return f"{path}?{query}" if query else path


def list_links(base: str, form: ListForm, next_cursor: str | None) -> ListLinks:
    whole = form.query(after="")  # an export is of the filter, from its first ticket
    joiner = "&" if whole else ""
    return ListLinks(
        rows=_url(f"{base}/rows", form.query()),
        next=_url(base, form.query(after=next_cursor)) if next_cursor else None,
        first=_url(base, whole) if form.after else None,
        csv=f"{base}/export?{whole}{joiner}format=csv",
        xlsx=f"{base}/export?{whole}{joiner}format=xlsx",
    )
