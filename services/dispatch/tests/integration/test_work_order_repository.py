"""One contract for the work-order repository, run against the fake and against MongoDB."""

from datetime import timedelta

import pytest

from services.dispatch.adapters.mongo import INDEXES, DispatchMongoUnitOfWork
from services.dispatch.domain.values import HistoryEntry, Resolution
from services.dispatch.tests.unit.builders import NOW, order
from services.dispatch.tests.unit.fakes import FakeWorkOrders
from shared.clock import FakeClock
from shared.errors import Conflict
from shared.events.dispatch import Appointment, SupportLine
from shared.events.submissions import RecordedContact
from shared.events.topics import Topics
from shared.events.vocabulary import Channel, Severity, TicketStatus
from shared.mongo.indexes import ensure_indexes

STEP = HistoryEntry(
    NOW, "resolve", TicketStatus.IN_PROGRESS, TicketStatus.RESOLVED, "li", "agent", None
)


def full_order():
    return order(
        TicketStatus.RESOLVED,
        source=Channel.PHONE,
        contact=RecordedContact(name="王女士", phone="+8613800138000"),
        account_id="a-1", service="broadband", region="chaoyang", lon=116.4, lat=39.9,
        tags=["fibre"], needs_onsite=True, support_line=SupportLine.L2, severity=Severity.URGENT,
        watchers=["zhao"], shared_with=["qian"],
        appointment=Appointment(starts_at=NOW, ends_at=NOW + timedelta(hours=2)),
        resolution=Resolution("cut", "spliced", "fixed", "snow"),
        urge_count=2, last_urged_at=NOW, overdue=True, major_alert=True,
        problems=["p-1"], changes=["c-1"], related_to="t-0",
        history=[STEP],
    )  # fmt: skip


class MongoRepo:
    """The Mongo repository, each call in its own committed transaction."""

    def __init__(self, client, db):
        self._uow = lambda: DispatchMongoUnitOfWork(client, db, Topics("t"), FakeClock(NOW))

    async def _run(self, name, *args):
        async with self._uow() as uow:
            result = await getattr(uow.work_orders, name)(*args)
            await uow.commit()
        return result

    async def add(self, o):
        await self._run("add", o)

    async def get(self, ticket_id):
        return await self._run("get", ticket_id)

    async def update(self, o):
        await self._run("update", o)


@pytest.fixture(params=["fake", "mongo"])
async def repo(request, namespace, mongo_client):
    if request.param == "fake":
        yield FakeWorkOrders()
        return
    client = mongo_client
    db = client[f"{namespace}_repo"]
    await ensure_indexes(db, INDEXES)
    yield MongoRepo(client, db)
    await client.drop_database(db.name)


@pytest.mark.integration
async def test_a_work_order_comes_back_as_it_was_saved(repo):
    saved = full_order()
    await repo.add(saved)
    loaded = await repo.get("t-1")
    assert loaded == saved
    assert loaded.version == 1


@pytest.mark.integration
async def test_a_stale_copy_cannot_overwrite_a_newer_save(repo):
    await repo.add(full_order())
    first, second = await repo.get("t-1"), await repo.get("t-1")
    first.tags.append("vip")
    await repo.update(first)
    second.tags.append("lost-update")
    with pytest.raises(Conflict):
        await repo.update(second)
    latest = await repo.get("t-1")
    assert (latest.tags, latest.version) == (["fibre", "vip"], 2)
