"""Registration inside a batch's shared transaction, racing a registration over HTTP."""

from functools import partial
from zoneinfo import ZoneInfo

import pytest

from services.intake.adapters.mongo import IntakeMongoUnitOfWork
from services.intake.app import handlers
from shared.clock import SystemClock
from shared.errors import SharedTransactionAborted
from shared.events import SYSTEM_ACTOR
from shared.events.submissions import Submission
from shared.mongo.unit_of_work import TransactionScope
from shared.testing.builders import submission_fields


async def test_a_batch_that_loses_a_registration_race_is_retried_and_finds_the_original(
    intake, settings, namespace, mongo_client
):
    db, clock = mongo_client[settings.mongo_db], SystemClock()
    scope = TransactionScope(mongo_client, db, clock)
    new_uow = partial(IntakeMongoUnitOfWork, mongo_client, db, settings.topics, clock, scope=scope)
    numbering = handlers.Numbering(ZoneInfo("Asia/Shanghai"))
    fields = submission_fields(tenant_id=namespace, external_ref="race-1")
    cmd = handlers.RegisterTicket(Submission.model_validate(fields), SYSTEM_ACTOR)

    async def batch_losing_the_race() -> None:
        async with scope.shared():
            async with new_uow() as uow:  # the batch's snapshot, before the other one
                await uow.tickets.get("anything")
            response = await intake.post("/tickets", json=fields)
            assert response.status_code == 201, response.text
            await handlers.register_ticket(cmd, new_uow, numbering)

    with pytest.raises(SharedTransactionAborted):
        await batch_losing_the_race()
    async with scope.shared():  # the batch again, as the batch delivery retries it
        again = await handlers.register_ticket(cmd, new_uow, numbering)
    assert not again.created
    stored = await db["tickets"].find({"external_ref": "race-1"}).to_list()
    assert [t["_id"] for t in stored] == [again.ticket.ticket_id]
