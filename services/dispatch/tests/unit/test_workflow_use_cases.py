"""The command use cases over fakes: version checks, no-ops, linked records, follow-ups."""

import pytest

from services.dispatch.app import commands
from services.dispatch.domain.errors import InvalidField
from services.dispatch.tests.unit.builders import ASSIGNEE, actor, order
from services.dispatch.tests.unit.fakes import FakeDirectory, FakeUnitOfWork, FakeWorkOrders
from shared.errors import Conflict, NotFound
from shared.events.vocabulary import TicketStatus

S = TicketStatus
LI = actor("agent")


def setup(*orders, urges=None):
    uow = FakeUnitOfWork(FakeWorkOrders(*orders), FakeDirectory(urges=urges))
    return (lambda: uow), uow


async def test_a_command_saves_publishes_and_bumps_the_version():
    new_uow, uow = setup(order(S.ASSIGNED, version=4))
    saved = await commands.accept(new_uow, commands.Target("t-1", LI, 4), None)
    assert (saved.status, saved.version) == (S.ACCEPTED, 5)
    assert [e.event_type for e in uow.published] == ["ticket.accepted", "ticket.status_changed"]
    assert uow.commits == 1


async def test_an_expected_version_that_is_not_current_is_a_conflict_listing_the_commands():
    new_uow, uow = setup(order(S.ASSIGNED, version=4))
    with pytest.raises(Conflict) as refused:
        await commands.accept(new_uow, commands.Target("t-1", LI, 3), None)
    assert "accept" in refused.value.allowed
    assert (uow.published, uow.commits) == ([], 0)


async def test_an_unknown_ticket_is_not_found():
    new_uow, _ = setup()
    with pytest.raises(NotFound):
        await commands.start(new_uow, commands.Target("nope", LI))


async def test_a_command_that_changes_nothing_writes_nothing():
    new_uow, uow = setup(order(S.IN_PROGRESS, watchers=[ASSIGNEE], version=2))
    same = await commands.watch(new_uow, commands.Target("t-1", LI), watching=True)
    assert (same.version, uow.commits, uow.published) == (2, 0, [])


async def test_the_tenants_urge_threshold_overrides_the_default():
    new_uow, _ = setup(order(S.IN_PROGRESS), urges=1)
    urged = await commands.urge(
        new_uow, commands.Target("t-1", actor("agent", "desk")), None, default_threshold=3
    )
    assert urged.status is S.ESCALATED


async def test_a_problem_record_is_stored_with_its_link():
    new_uow, uow = setup(order(S.IN_PROGRESS))
    problem = await commands.convert_to_problem(
        new_uow, commands.Target("t-1", LI), "OLT", "flapping", "5 ports"
    )
    assert uow.records.problems == [problem]
    assert uow.work_orders.saved["t-1"].problems == [problem.problem_id]


async def test_a_reply_to_a_closed_ticket_submits_a_linked_follow_up():
    new_uow, uow = setup(order(S.CLOSED, subject="宽带无法上网", account_id="a-9"))
    saved, follow_up = await commands.customer_reply(
        new_uow, commands.Target("t-1", actor("requester", "c-1")), "again"
    )
    [submission] = uow.sent
    assert follow_up is not None
    assert saved.status is S.CLOSED
    assert (submission.related_to, submission.account_id) == ("t-1", "a-9")
    assert submission.subject == "Re: 宽带无法上网"
    assert submission.external_ref == "acme-1-reply-1"


async def test_a_follow_up_without_a_known_customer_names_the_one_who_replied():
    new_uow, uow = setup(order(S.CLOSED))
    await commands.customer_reply(
        new_uow, commands.Target("t-1", actor("requester", "c-7")), "again"
    )
    [submission] = uow.sent
    assert submission.contact is not None
    assert submission.contact.contact_id == "c-7"


async def test_escalating_for_priority_is_refused_before_anything_is_loaded():
    new_uow, uow = setup(order(S.IN_PROGRESS))
    with pytest.raises(InvalidField, match="not an escalation reason"):
        await commands.escalate(
            new_uow, commands.Target("t-1", LI), "raise_priority", "x", None, None
        )
    assert uow.work_orders.saved["t-1"].status is S.IN_PROGRESS
