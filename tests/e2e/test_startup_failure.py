"""A service that cannot start says why in one line, with the path of its log."""

import pytest
from pymongo import ASCENDING

from deploy.local.ports import free_port
from deploy.local.process import ProcessFailed
from deploy.local.services import service_env, start_services


async def test_a_service_refusing_an_incompatible_index_says_why_in_one_line(
    infra, namespace, tmp_path, mongo_client
):
    db_name = f"{namespace}_dispatch"
    # The kernel's outbox wants sent_at_1 with a TTL; an index of that name without one
    # means something else, and only an operator may drop it.
    await mongo_client[db_name]["outbox"].create_index([("sent_at", ASCENDING)])
    env = service_env(infra, free_port(), namespace, db_name)
    try:
        with pytest.raises(ProcessFailed) as failed:
            start_services({"dispatch": env}, tmp_path)
    finally:
        await mongo_client.drop_database(db_name)
    message = str(failed.value)
    assert "\n" not in message
    assert message.startswith("dispatch exited while starting (exit code 3): ")
    assert "IndexConflict: index 'sent_at_1': a TTL cannot be added" in message
    assert f"(log: {tmp_path / 'dispatch.log'})" in message
