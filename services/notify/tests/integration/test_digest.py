"""A tenant's digest window on real Kafka, MongoDB and SMTP: three changes to one ticket
within it reach the assignee as one SMS and one e-mail (each notice still on their feed),
every delivery recorded — the merged ones as sent in the digest — and nothing twice when
every event is delivered twice."""

import email
import email.policy
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from services.notify.bootstrap import create_app
from services.notify.settings import NotifySettings
from services.notify.tests.integration.test_notify_flow import ADMIN, senders
from shared.events import Actor
from shared.events import dispatch as d
from shared.events.vocabulary import TicketStatus
from shared.testing.apps import running
from shared.testing.builders import ticket_registered
from shared.testing.kafka import publish_in_order
from shared.testing.tenants import make_known
from shared.testing.waiting import eventually

pytestmark = pytest.mark.integration

LI_WEI = {"name": "Li Wei", "phone": "+8613900000000", "email": "li.wei@example.cn",
          "language": "en"}  # fmt: skip
WINDOW_S = 8  # long enough for the consumer to see all three changes on a busy machine


def changes(tenant: str) -> list[Any]:
    at, actor = (
        ticket_registered("t-d", tenant_id=tenant).occurred_at,
        Actor(id="d", role="dispatcher"),
    )

    def later(cls: type, seconds: int, body: Any) -> Any:
        return cls(occurred_at=at + timedelta(seconds=seconds), producer="dispatch",
                   tenant_id=tenant, ticket_id="t-d", actor=actor, payload=body)  # fmt: skip

    return [
        later(d.TicketAssigned, 1, d.TicketAssignedPayload(assignee="li.wei", group="noc",
                                                           reason="rule")),
        later(d.TicketUrged, 2, d.TicketUrgedPayload(urge_count=1, assignee="li.wei",
                                                     status=TicketStatus.ASSIGNED)),
        later(d.TicketUrged, 3, d.TicketUrgedPayload(urge_count=2, assignee="li.wei",
                                                     status=TicketStatus.ASSIGNED)),
    ]  # fmt: skip


async def test_changes_within_the_window_go_out_as_one_digest_per_channel(
    service_settings: Any, infra: Any, namespace: str, smtp_server: Any, tmp_path: Path
) -> None:
    tenant, sms_file = f"{namespace}-dg", tmp_path / "sms.jsonl"
    settings = service_settings(NotifySettings, sender_poll_interval_s=0.2)
    registered = ticket_registered("t-d", tenant_id=tenant)
    async with running(create_app(settings, senders=senders(sms_file, smtp_server.port))) as n:
        await make_known(n, infra.kafka_bootstrap, settings.topics, tenant)
        await n.put(f"/tenants/{tenant}/people/li.wei", json=LI_WEI, headers=ADMIN)
        put = await n.put(f"/tenants/{tenant}/notify-settings", headers=ADMIN,
                          json={"language": "en", "digest_window_s": WINDOW_S})  # fmt: skip
        refused = await n.put(f"/tenants/{tenant}/notify-settings", headers=ADMIN,
                              json={"digest_window_s": True})  # fmt: skip
        await publish_in_order(infra.kafka_bootstrap, settings.topics.intake_events, registered)
        events = changes(tenant)
        await publish_in_order(infra.kafka_bootstrap, settings.topics.dispatch_events,
                               *events, *events)  # fmt: skip
        final = await eventually(
            lambda: _mine(n), lambda f: len(f) == 9 and all(not _pending(x) for x in f),
            timeout=60,
        )  # fmt: skip

    assert put.status_code == 200, put.text
    assert put.json()["digest_window_s"] == WINDOW_S
    assert refused.status_code == 422
    by_channel: dict[str, list[dict[str, Any]]] = {}
    for x in final:
        by_channel.setdefault(x["channel"], []).append(x)
    for channel in ("sms", "email"):
        [lead] = [x for x in by_channel[channel] if x["reason"] is None]
        merged = [x for x in by_channel[channel] if x is not lead]
        assert {x["status"] for x in by_channel[channel]} == {"sent"}
        assert {x["reason"] for x in merged} == {f"in digest {lead['delivery_id']}"}
        assert len(merged) == 2
    assert {x["status"] for x in by_channel["in_app"]} == {"sent"}
    sms = [json.loads(line) for line in sms_file.read_text("utf-8").splitlines()]
    [text] = [m["text"] for m in sms]
    assert text.startswith(f"Ticket {tenant}-t-d, 3 updates:")
    assert "assigned to you" in text
    envelopes = [e for e in smtp_server.mailbox.envelopes if "li.wei@example.cn" in e.rcpt_tos]
    mails = [email.message_from_bytes(e.content, policy=email.policy.default) for e in envelopes]
    [mail] = mails
    assert mail["Subject"] == f"3 updates on ticket {tenant}-t-d"
    assert mail.get_content().count("\n- ") == 3


async def _mine(client: Any) -> list[dict[str, Any]]:
    found = (await client.get("/tickets/t-d/notifications")).json()
    return [x for x in found if x["recipient"] == "li.wei"]


def _pending(delivery: dict[str, Any]) -> bool:
    return delivery["status"] in ("queued", "failed_temporary")
