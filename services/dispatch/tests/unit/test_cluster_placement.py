"""Placing complaints into outage clusters as a batch does: tickets arrive on several
partitions, so a later complaint may be placed before an earlier one, in one transaction
whose geo queries may not see the cluster it has just saved."""

from datetime import timedelta

from services.dispatch.app import outages
from services.dispatch.domain.clusters import Cluster, ClusterRule, Complaint
from services.dispatch.tests.unit.builders import NOW, order
from services.dispatch.tests.unit.fakes import (
    FakeClusters,
    FakeDirectory,
    FakeUnitOfWork,
    FakeWorkOrders,
)
from shared.events.vocabulary import TicketType

STREET = (116.4600, 39.9100)  # 建国路, Beijing


class ClustersUnseenByGeoQueries(FakeClusters):
    """SecantusDB inside a transaction: a cluster saved in it is found by its id only."""

    async def covering(
        self, tenant_id: str, complaint: Complaint, rule: ClusterRule
    ) -> list[Cluster]:
        return []


def complaint(i: int):
    return order(
        ticket_id=f"t-{i}", type=TicketType.COMPLAINT, service="broadband",
        lon=STREET[0], lat=STREET[1] + 0.001 * i,
    )  # fmt: skip


async def test_an_earlier_complaint_placed_after_the_one_that_completed_the_cluster_joins_it():
    uow = FakeUnitOfWork(FakeWorkOrders(), FakeDirectory())
    uow.clusters = ClustersUnseenByGeoQueries()
    count = ClusterRule().min_complaints + 1
    # Registered one minute apart; the last one is placed before the one before it.
    placing = [*range(count - 2), count - 1, count - 2]
    for i in placing:
        await outages.place(uow, complaint(i), NOW + timedelta(minutes=i))
    [cluster] = uow.clusters.saved.values()
    assert sorted(cluster.members) == sorted(f"t-{i}" for i in range(count))
