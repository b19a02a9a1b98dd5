"""Notify on real Kafka, MongoDB, a real SMTP server (aiosmtpd) and a local webhook
receiver: a transfer sends one SMS and one e-mail to the new assignee, the requester hears
of their ticket unless they muted it (and the audit says why), a webhook is signed and
retried after a 503 — also across a restart between attempts — and redelivered events send
nothing twice."""

import asyncio
import email
import email.policy
import json
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from services.notify.adapters.email import SmtpConfig, SmtpSender
from services.notify.adapters.feed import InAppFeed
from services.notify.adapters.sms import FileSmsSink
from services.notify.adapters.webhooks import WebhookSender
from services.notify.app.ports import Sender
from services.notify.bootstrap import create_app
from services.notify.domain.channels import Channel
from services.notify.domain.webhooks import verify
from services.notify.settings import NotifySettings
from shared.events import Actor, TicketRegistered
from shared.events import dispatch as d
from shared.events.submissions import RecordedContact
from shared.events.vocabulary import TicketStatus
from shared.testing.apps import running
from shared.testing.builders import ticket_registered
from shared.testing.kafka import publish_in_order
from shared.testing.recorder import TopicRecorder
from shared.testing.tenants import make_known
from shared.testing.waiting import eventually

pytestmark = pytest.mark.integration

ADMIN = {"X-Actor-Id": "root", "X-Actor-Role": "admin"}
LI_WEI = {"name": "李伟", "phone": "+86 139-0000-0000", "email": "li.wei@example.cn",
          "language": "zh-CN", "time_zone": "Asia/Shanghai"}  # fmt: skip


def senders(sms_file: Path, smtp_port: int) -> dict[Channel, Sender]:
    return {
        Channel.SMS: FileSmsSink(sms_file),
        Channel.EMAIL: SmtpSender(SmtpConfig("127.0.0.1", smtp_port, "desk@ticketflow.test")),
        # The test's receivers listen on 127.0.0.1.
        Channel.WEBHOOK: WebhookSender(allow_private=True),
        Channel.IN_APP: InAppFeed(),
    }


def story(tenant: str) -> tuple[TicketRegistered, list[Any]]:
    base = ticket_registered("t-1", tenant_id=tenant)
    payload = base.payload.model_copy(
        update={"contact": RecordedContact(name="Ivan", email="ivan@example.ru")}
    )
    registered = base.model_copy(
        update={"payload": payload, "actor": Actor(id="ivan", role="requester")}
    )
    at, actor = registered.occurred_at, Actor(id="dispatcher.demo", role="dispatcher")

    def later(cls: type, seconds: int, body: Any) -> Any:
        return cls(occurred_at=at + timedelta(seconds=seconds), producer="dispatch",
                   tenant_id=tenant, ticket_id="t-1", actor=actor, payload=body)  # fmt: skip

    return registered, [
        later(d.TicketTransferred, 10, d.TicketTransferredPayload(
            from_assignee=None, to_assignee="li.wei", reason="光缆中断，转现场",
            status=TicketStatus.ASSIGNED)),
        later(d.TicketResolved, 20, d.TicketResolvedPayload(
            cause="fibre cut", solution="spliced", closure_code="FIX")),
    ]  # fmt: skip


async def deliveries(client: Any) -> list[dict[str, Any]]:
    return list((await client.get("/tickets/t-1/notifications")).json())


def by(found: list[dict[str, Any]], kind: str) -> dict[tuple[str, str], dict[str, Any]]:
    return {(x["recipient"], x["channel"]): x for x in found if x["kind"] == kind}


async def test_who_is_told_what_once_with_webhooks_retried_across_a_restart(
    service_settings: Any, infra: Any, namespace: str, smtp_server: Any, receiver: Any,
    tmp_path: Path,
) -> None:  # fmt: skip
    tenant, sms_file = f"{namespace}-n", tmp_path / "sms.jsonl"
    settings = service_settings(NotifySettings, delivery_retry_base_s=2.0,
                                sender_poll_interval_s=0.2)  # fmt: skip
    registered, later = story(tenant)
    receiver.answer(503, {"error": "busy"})  # the first webhook attempt fails
    async with running(create_app(settings, senders=senders(sms_file, smtp_server.port))) as n:
        await make_known(n, infra.kafka_bootstrap, settings.topics, tenant)
        put = await n.put(f"/tenants/{tenant}/people/li.wei", json=LI_WEI, headers=ADMIN)
        hook = await n.post(f"/tenants/{tenant}/webhooks", headers=ADMIN, json={
            "url": f"{receiver.url}/hooks", "event_types": ["ticket.transferred"],
        })  # fmt: skip
        # Each event twice; the transfer before the registration it follows.
        await publish_in_order(infra.kafka_bootstrap, settings.topics.dispatch_events,
                               later[0], later[0])  # fmt: skip
        await publish_in_order(infra.kafka_bootstrap, settings.topics.intake_events,
                               registered, registered)  # fmt: skip
        await eventually(lambda: deliveries(n), lambda f: any(
            x["channel"] == "webhook" and x["status"] == "failed_temporary" for x in f
        ))  # fmt: skip
        muted = await n.put("/tickets/t-1/mutes/contact", headers={
            "X-Actor-Id": "ivan", "X-Actor-Role": "requester"})  # fmt: skip
        not_theirs = await n.put("/tickets/t-1/mutes/li.wei", headers={
            "X-Actor-Id": "ivan", "X-Actor-Role": "requester"})  # fmt: skip
    # Restarted between the webhook's attempts: the persisted retry happens once.
    async with (
        running(create_app(settings, senders=senders(sms_file, smtp_server.port))) as n,
        TopicRecorder(infra.kafka_bootstrap, settings.topics.notify_events) as statuses,
    ):
        await publish_in_order(infra.kafka_bootstrap, settings.topics.dispatch_events,
                               later[1], later[1])  # fmt: skip
        final = await eventually(lambda: deliveries(n), lambda f: all(
            x["status"] in ("sent", "suppressed") for x in f
        ) and any(x["kind"] == "ticket_resolved" for x in f), timeout=60)  # fmt: skip
        await asyncio.sleep(0.5)  # nothing more may arrive: give a duplicate the chance to
        webhook_requests = list(receiver.requests)

    assert put.status_code == 200, put.text
    assert hook.status_code == 201, hook.text
    assert (muted.status_code, muted.json()["muted"]) == (200, ["contact"])
    assert not_theirs.status_code == 403
    transfer = by(final, "ticket_transferred")
    assert {k: v["status"] for k, v in transfer.items()} == {
        ("li.wei", "sms"): "sent",
        ("li.wei", "email"): "sent",
        ("li.wei", "in_app"): "sent",
    }
    assert transfer[("li.wei", "sms")]["address"] == "+8613900000000"
    registration = by(final, "ticket_registered")
    assert registration[("contact", "email")]["status"] == "sent"
    # Ivan registered it himself: his account is not told, his contact's e-mail is.
    assert {k: v["reason"] for k, v in registration.items()} == {
        ("contact", "email"): None, ("contact", "sms"): "no_address",
    }  # fmt: skip
    resolution = by(final, "ticket_resolved")
    assert (resolution[("contact", "email")]["status"],
            resolution[("contact", "email")]["reason"]) == ("suppressed", "muted")  # fmt: skip

    sms = [json.loads(line) for line in sms_file.read_text("utf-8").splitlines()]
    assert [m["to"] for m in sms] == ["+8613900000000"]
    assert "光缆中断" in sms[0]["text"]
    assert sms[0]["text"].startswith("工单")
    mails = [email.message_from_bytes(e.content, policy=email.policy.default)
             for e in smtp_server.mailbox.envelopes]  # fmt: skip
    assert sorted(m["To"] for m in mails) == ["ivan@example.ru", "li.wei@example.cn"]
    assert all(tenant + "-t-1" in m["Subject"] for m in mails)

    assert [r.path for r in webhook_requests] == ["/hooks", "/hooks"]
    secret = {hook.json()["key_id"]: hook.json()["secret"]}
    last = webhook_requests[-1]
    assert verify(last.headers["x-ticketflow-signature"], secret, last.body, int(time.time()))
    assert json.loads(last.body)["event_type"] == "ticket.transferred"
    assert len({r.headers["x-ticketflow-delivery"] for r in webhook_requests}) == 1
    webhook = next(x for x in final if x["channel"] == "webhook")
    assert (webhook["status"], webhook["attempts"]) == ("sent", 2)
    events = [json.loads(r.value or b"{}") for r in statuses.records]
    # On li.wei's dashboard feed once, although the transfer came twice.
    [posted] = [e["payload"] for e in events if e["event_type"] == "notification.posted"]
    assert (posted["recipient"], posted["kind"]) == ("li.wei", "ticket_transferred")
    assert "光缆中断" in posted["text"]
    published = [e["payload"] for e in events if e["event_type"] != "notification.posted"]
    assert {"status": "suppressed", "reason": "muted", "recipient": "contact"}.items() <= next(
        p for p in published if p["kind"] == "ticket_resolved" and p["recipient"] == "contact"
    ).items()
