"""The operator route for parked outbox messages, on a service that publishes."""

from datetime import UTC, datetime

ADMIN = {"X-Actor-Id": "ops", "X-Actor-Role": "admin"}


async def test_parked_messages_are_listed_and_replayed_by_an_admin_only(
    intake, settings, mongo_client
):
    outbox = mongo_client[settings.mongo_db].outbox
    await outbox.insert_one(
        {"_id": "stuck-1", "topic": "x", "key": b"t-1", "value": b"{}",
         "headers": {"event_type": "ticket.registered"}, "state": "parked", "failures": 5,
         "last_error": "MessageSizeTooLargeError", "created_at": datetime.now(UTC),
         "position": 0, "shard": 0, "parked_at": datetime.now(UTC)}
    )  # fmt: skip
    assert (await intake.get("/admin/outbox/parked")).status_code == 403
    listed = (await intake.get("/admin/outbox/parked", headers=ADMIN)).json()
    assert [(m["id"], m["last_error"]) for m in listed] == [("stuck-1", "MessageSizeTooLargeError")]
    replayed = await intake.post("/admin/outbox/parked/replay", json={"ids": []}, headers=ADMIN)
    assert replayed.json() == {"replayed": ["stuck-1"]}
    assert (await outbox.find_one({"_id": "stuck-1"}))["state"] in ("pending", "sent")
    assert (await intake.get("/admin/outbox/parked", headers=ADMIN)).json() == []
