"""What dispatch makes of the SLA's breaches: the ticket's handling late, or not its business."""

import pytest

from services.dispatch.app import consumers
from services.dispatch.tests.unit.builders import NOW, order
from services.dispatch.tests.unit.fakes import FakeDirectory, FakeUnitOfWork, FakeWorkOrders
from shared.events.sla import SlaBreached, SlaBreachedPayload, SlaMetric
from shared.events.vocabulary import TicketStatus


def breach(metric: SlaMetric) -> SlaBreached:
    return SlaBreached(
        occurred_at=NOW, producer="sla", tenant_id="acme", ticket_id="t-1",
        payload=SlaBreachedPayload(metric=metric, policy_id="p", target_seconds=60, due_at=NOW),
    )  # fmt: skip


@pytest.mark.parametrize(
    ("metric", "overdue"),
    [
        (SlaMetric.RESPONSE, True),
        (SlaMetric.RESOLUTION, True),
        (SlaMetric.INSPECTION, False),  # quality control's deadline, after closure
        (SlaMetric.APPEAL, False),
    ],
)
async def test_only_a_handling_metric_makes_the_ticket_overdue(metric, overdue):
    uow = FakeUnitOfWork(FakeWorkOrders(order(TicketStatus.IN_PROGRESS)), FakeDirectory())
    await consumers.on_sla_breached(lambda: uow, breach(metric))
    saved = await uow.work_orders.get("t-1")
    assert saved is not None
    assert saved.overdue is overdue
