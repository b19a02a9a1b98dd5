"""A dissatisfied visit's follow-up ticket, and the shipped appeal template library."""

from datetime import UTC, datetime

import pytest

from services.qc.adapters.template_library import load
from services.qc.domain.cases import QcCase, Registration
from services.qc.domain.follow_ups import follow_up
from services.qc.domain.visits import ReturnVisit, VisitState
from shared.errors import Conflict, Forbidden
from shared.events import Actor
from shared.events.vocabulary import TicketType

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
AGENT = Actor(id="li", role="agent")


def visited(satisfaction: int, contact: dict | None = None, account: str | None = None) -> QcCase:
    case = QcCase("t-1", "acme")
    case.registration = Registration(
        "acme-1", "phone", None, "ext-1", T0, "complaint", "包裹破损",
        contact if contact is not None else {"phone": "+8613900000000", "name": "Chen"}, account,
    )  # fmt: skip
    case.visit = ReturnVisit(VisitState.COMPLETED, 1, None, satisfaction)
    return case


def test_a_dissatisfied_customer_gets_a_linked_ticket_once():
    case = visited(2)
    submission = follow_up(case, AGENT, "仍未解决")
    assert (submission.related_to, submission.external_ref) == ("t-1", "t-1:follow-up")
    assert submission.type is TicketType.COMPLAINT
    assert submission.subject == "Re: 包裹破损"
    assert submission.contact is not None
    assert submission.contact.phone == "+8613900000000"
    assert case.visit is not None
    assert case.visit.followed_up_by == "li"
    with pytest.raises(Conflict, match="already"):
        follow_up(case, AGENT, "again")


@pytest.mark.parametrize("satisfaction", [3, 5])
def test_a_satisfied_customer_is_not_followed_up(satisfaction):
    with pytest.raises(Conflict, match="satisfied"):
        follow_up(visited(satisfaction), AGENT, "x")


def test_a_visit_not_completed_is_not_followed_up():
    case = visited(1)
    assert case.visit is not None
    case.visit.state = VisitState.DUE
    with pytest.raises(Conflict):
        follow_up(case, AGENT, "x")
    with pytest.raises(Conflict):
        follow_up(QcCase("t-2", "acme"), AGENT, "x")


def test_requesters_do_not_follow_up():
    with pytest.raises(Forbidden):
        follow_up(visited(1), Actor(id="c", role="requester"), "x")


def test_a_contact_recorded_under_older_rules_falls_back_to_the_account():
    case = visited(1, contact={"phone": "12"}, account="acc-9")
    submission = follow_up(case, AGENT, "x")
    assert (submission.contact, submission.account_id) == (None, "acc-9")
    with pytest.raises(Conflict, match="by hand"):
        follow_up(visited(1, contact={"phone": "12"}), AGENT, "x")
    assert case.visit is not None


def test_the_shipped_library_has_every_category_in_three_languages():
    shipped = load()
    assert [c.category_id for c in shipped.categories] == [
        "false_information", "express_transport_delay_missort", "delay_missort_address",
        "loss_damage", "provincial_transport", "late_scanning", "special_circumstances",
        "customer_demand",
    ]  # fmt: skip
    assert all(set(c.names) == {"zh-CN", "ru", "en"} for c in shipped.categories)
    assert {t.category for t in shipped.templates} == {c.category_id for c in shipped.categories}
    for template in shipped.templates:
        assert set(template.texts) == {"zh-CN", "ru", "en"}, template.template_id
        values = {f: "X" for f in template.fields}
        assert all("{" not in template.fill(lang, values) for lang in template.texts)
    late = next(t for t in shipped.templates if t.template_id == "late_scanning.1")
    assert late.fields == ("month", "day")
    assert late.fill("zh-CN", {"month": "3", "day": "1"}).startswith("经核实，此邮件于3月1日")
