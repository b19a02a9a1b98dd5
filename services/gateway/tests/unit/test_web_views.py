"""The saved views' pages without a server: the list form read from a query string, its
filter and links (next page, exports), the views the navigation links per role, and the
release of a quarantined ticket (its contact verified at intake) with in-memory ports."""

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from starlette.requests import Request

from services.gateway.app import quarantine
from services.gateway.app.forwarding import Forwarding
from services.gateway.app.ports import ServiceRequest
from services.gateway.domain.callers import Caller, Role
from services.gateway.domain.idempotency import StoredReply
from services.gateway.domain.queries import Page
from services.gateway.tests.fakes import FakeGatewayUnitOfWork, InMemoryIdempotencyKeys
from services.gateway.web import i18n, views_http
from services.gateway.web.listing import PAGE_SIZE, ListForm, list_links, read_form, readable_views
from services.gateway.web.render import environment, page
from shared.clock import FakeClock
from shared.errors import Conflict, Forbidden, InvalidFields, NotFound


def caller(*roles: Role, tenant: str | None = "acme") -> Caller:
    return Caller("u-1", "zhou.dispatch", tenant, frozenset(roles))


DISPATCHER = caller(Role.DISPATCHER)


def test_the_form_keeps_what_it_offers_and_leaves_out_the_rest():
    form = read_form({
        "status": "assigned", "priority": "P2", "severity": "major", "assignee": " li.wei ",
        "overdue": "1", "q": " 宽带 ", "after": "cursor-1", "size": "5", "lang": "ru",
    })  # fmt: skip

    assert form == ListForm("assigned", "宽带", "P2", "major", "li.wei", True, "cursor-1", 5)
    odd = read_form({"status": "lost", "priority": "P9", "severity": "huge", "size": "many"})
    assert odd == ListForm()
    assert read_form({"size": "0"}).size == 1
    assert read_form({"size": "5000"}).size == 200  # the API's page limit


def test_the_form_becomes_the_apis_filter_and_page():
    form = ListForm(status="new", priority="P1", severity="urgent", assignee="li.wei",
                    overdue=True, q="Broadband", after="c-9", size=3)  # fmt: skip

    found = form.ticket_filter("acme")

    assert (found.tenant_id, found.statuses, found.priorities, found.severities) == (
        "acme", ("new",), ("P1",), ("urgent",)
    )  # fmt: skip
    assert (found.assignee, found.overdue) == ("li.wei", True)
    assert "broadband" in found.tokens
    assert form.page() == Page(3, "c-9")
    assert ListForm().ticket_filter("acme").overdue is None  # unticked: any, not "on time"
    with pytest.raises(InvalidFields):
        ListForm(q="!!!").ticket_filter("acme")


def test_the_links_keep_the_filter_page_on_and_export_it_from_the_start():
    form = ListForm(status="new", q="宽带", after="c-1", size=2)

    links = list_links("/ui/views/my-todo", form, "c-2")

    assert links.rows == "/ui/views/my-todo/rows?status=new&q=%E5%AE%BD%E5%B8%A6&after=c-1&size=2"
    assert links.next == "/ui/views/my-todo?status=new&q=%E5%AE%BD%E5%B8%A6&after=c-2&size=2"
    assert links.first == "/ui/views/my-todo?status=new&q=%E5%AE%BD%E5%B8%A6&size=2"
    assert links.csv == "/ui/views/my-todo/export?status=new&q=%E5%AE%BD%E5%B8%A6&size=2&format=csv"
    assert links.xlsx.endswith("&format=xlsx")
    plain = list_links("/ui/queue", ListForm(), None)
    assert (plain.rows, plain.next, plain.first) == ("/ui/queue/rows", None, None)
    assert plain.csv == "/ui/queue/export?format=csv"
    assert ListForm(size=PAGE_SIZE).query() == ""


def test_the_navigation_links_only_the_views_the_api_lets_the_caller_read():
    agent = [v.name for v in readable_views(caller(Role.AGENT))]
    supervisor = [v.name for v in readable_views(caller(Role.SUPERVISOR))]

    assert "extensions" not in agent  # the API's 403: report readers only
    assert {"my-todo", "dispatch-centre-queue", "quarantine", "tracked", "approvals"} <= set(agent)
    assert "extensions" in supervisor
    assert readable_views(caller(Role.REQUESTER)) == []
    assert readable_views(None) == []
    assert "extensions" in [
        v.name for v in readable_views(caller(Role.PLATFORM_ADMIN, tenant=None))
    ]


def _render(who: Caller, template: str = "base.html", **values: object) -> str:
    env = environment()
    views_http.install(env)
    lang = i18n.language(i18n.load_catalogs(), "zh-CN", ZoneInfo("Asia/Shanghai"))
    request = Request({"type": "http", "path": "/ui/queue", "query_string": b"", "headers": []})
    staff = Role.REQUESTER not in who.roles
    body = page(env, request, template, lang, {"caller": who, "staff": staff, "csrf": "x"} | values)
    return bytes(body.body).decode()


def test_the_views_menu_of_the_page_follows_the_role_in_the_visitors_language():
    agent = _render(caller(Role.AGENT))
    supervisor = _render(caller(Role.SUPERVISOR))

    assert 'href="/ui/views/my-todo"' in agent
    assert "个人待办" in agent
    assert 'href="/ui/views/extensions"' not in agent
    assert 'href="/ui/views/extensions"' in supervisor
    assert "/ui/views/" not in _render(caller(Role.REQUESTER))


def test_a_quarantined_row_offers_release_and_an_open_one_nothing():
    row = {"ticket_id": "t-1", "number": "WO-1", "subject": "s", "status": "quarantined",
           "registered_at": "2026-03-02T09:00:00+00:00"}  # fmt: skip

    released = _render(DISPATCHER, "_rows.html", items=[row], row_action="_release.html",
                       form_key="k")  # fmt: skip
    plain = _render(DISPATCHER, "_rows.html", items=[row])

    assert 'action="/ui/tickets/t-1/release"' in released
    assert "放行" in released
    assert "release" not in plain


NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
JSON = "application/json"
HELD = {"ticket_id": "t-1", "tenant_id": "acme", "number": "WO-1", "status": "quarantined"}
SUBMISSION = {
    "tenant_id": "acme", "account_id": "BB-1",
    "contact": {"contact_id": "crm-7", "name": "王女士", "phone": "+8613800138000"},
}  # fmt: skip


class Intake:
    """Intake's answers: the ticket, then one answer per ``POST /customers`` in turn."""

    def __init__(self, *created: StoredReply) -> None:
        self.created = list(created)
        self.sent: list[ServiceRequest] = []

    async def send(self, request: ServiceRequest, caller: Caller) -> StoredReply:
        self.sent.append(request)
        if request.method == "GET":
            return StoredReply(200, JSON, json.dumps({"submission": SUBMISSION}).encode())
        return self.created.pop(0)


def _ports(services: Intake) -> Forwarding:
    return Forwarding(services, InMemoryIdempotencyKeys(), FakeClock(NOW), timedelta(seconds=60))


def _posted(services: Intake) -> list[dict[str, object]]:
    return [json.loads(r.body) for r in services.sent if r.method == "POST"]


def _uow(status: str = "quarantined", tenant: str = "acme") -> FakeGatewayUnitOfWork:
    uow = FakeGatewayUnitOfWork()
    uow.views.docs["t-1"] = HELD | {"status": status, "tenant_id": tenant}
    return uow


RELEASED = StoredReply(200, JSON, b'{"customer_id": "c-1", "released": ["t-1"]}')


async def test_release_vouches_for_the_tickets_contact_and_account_at_intake():
    intake = Intake(RELEASED)

    reply = await quarantine.release("t-1", DISPATCHER, _uow(), _ports(intake), "k-1")

    assert reply == RELEASED
    assert intake.sent[0].path == "/tickets/t-1"
    assert [r.path for r in intake.sent if r.method == "POST"] == ["/tenants/acme/contacts/vouch"]
    assert _posted(intake) == [{
        "contact_id": "crm-7", "name": "王女士", "phone": "+8613800138000", "account_id": "BB-1",
    }]  # fmt: skip


async def test_release_refuses_what_is_not_quarantined_another_tenant_and_other_roles():
    intake = Intake(RELEASED)

    with pytest.raises(Conflict, match="not in quarantine"):
        await quarantine.release("t-1", DISPATCHER, _uow("assigned"), _ports(intake), None)
    with pytest.raises(NotFound):
        await quarantine.release("t-1", DISPATCHER, _uow(tenant="globex"), _ports(intake), None)
    with pytest.raises(Forbidden):
        await quarantine.release("t-1", caller(Role.FIELD_ENGINEER), _uow(), _ports(intake), None)
    assert _posted(intake) == []  # nothing verified


def test_the_contact_to_vouch_for_needs_something_intake_recognises():
    assert quarantine.vouched_contact({"contact": {"email": "a@b.cn"}}) == {"email": "a@b.cn"}
    with pytest.raises(InvalidFields):
        quarantine.vouched_contact({"contact": {"name": "nobody"}})
