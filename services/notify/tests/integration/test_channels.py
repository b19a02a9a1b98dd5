"""The channel adapters against real servers on loopback: aiosmtpd for e-mail, uvicorn
serving a recording ASGI app for the SMS gateway and webhook receivers. No Kafka, no
MongoDB."""

import asyncio
import email
import email.policy
import json
import socket
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from deploy.local.ports import free_port
from services.notify.adapters.email import SmtpConfig, SmtpSender
from services.notify.adapters.sms import FileSmsSink, HttpSmsConfig, HttpSmsGateway, fill_template
from services.notify.adapters.webhooks import WebhookSender
from services.notify.domain.channels import Channel, Message, SendFailed
from services.notify.domain.webhooks import verify
from services.notify.tests.servers import Mailbox

SUBJECT = "工单 #42 已解决 — Заявка закрыта"
BODY = "您好，\n您的工单已经处理完毕。\nЗдравствуйте! Ваша заявка закрыта.\n"
NOBODY, LATER, SPAM = "nobody@example.com", "later@example.com", "spam@example.com"
NOW = 1_700_000_000


def mail(address: str = "alice@example.com", **changes: Any) -> Message:
    fields: dict[str, Any] = {
        "delivery_id": "d-mail-1", "channel": Channel.EMAIL, "address": address,
        "body": BODY, "tenant_id": "acme", "ticket_id": "T-42", "subject": SUBJECT,
    }  # fmt: skip
    return Message(**(fields | changes))


def sms(text: str = "Ticket T-42 resolved", **changes: Any) -> Message:
    fields: dict[str, Any] = {
        "delivery_id": "d-sms-1", "channel": Channel.SMS, "address": "+8613800138000",
        "body": text, "tenant_id": "acme", "ticket_id": "T-42",
    }  # fmt: skip
    return Message(**(fields | changes))


def hook(url: str, **changes: Any) -> Message:
    fields: dict[str, Any] = {
        "delivery_id": "d-hook-1", "channel": Channel.WEBHOOK, "address": url,
        "body": json.dumps({"type": "ticket.resolved", "note": "已解决"}, ensure_ascii=False),
        "tenant_id": "acme", "ticket_id": "T-42", "signing_key_id": "k1",
        "signing_secret": "tenant-secret",
    }  # fmt: skip
    return Message(**(fields | changes))


async def refused(send: Any) -> SendFailed:
    with pytest.raises(SendFailed) as caught:
        await send
    return caught.value


def smtp_sender(port: int, **changes: Any) -> SmtpSender:
    config = SmtpConfig(host="127.0.0.1", port=port, sender="Ticketflow <noreply@ticketflow.test>")
    return SmtpSender(SmtpConfig(**(vars(config) | changes)))


async def test_email_with_chinese_and_russian_arrives_decoded(smtp_server):
    sent = await smtp_sender(smtp_server.port).send(mail())

    [envelope] = smtp_server.mailbox.envelopes
    assert envelope.mail_from == "noreply@ticketflow.test"
    assert envelope.rcpt_tos == ["alice@example.com"]
    raw = envelope.content
    assert isinstance(raw, bytes)
    assert raw.isascii()  # encoded for any server, 8BITMIME or not
    received = email.message_from_bytes(raw, policy=email.policy.default)
    assert received["Subject"] == SUBJECT
    # MIME's canonical text line break, inside the base64 too (RFC 2046 4.1.1).
    assert received.get_content() == BODY.replace("\n", "\r\n")
    assert received.get_content_type() == "text/plain"
    assert received.get_content_charset() == "utf-8"
    assert received["From"] == "Ticketflow <noreply@ticketflow.test>"
    assert received["To"] == "alice@example.com"
    assert received["Message-ID"] == "<d-mail-1@ticketflow>"
    assert received["X-Ticketflow-Ticket"] == "T-42"
    assert received["Date"].datetime is not None
    assert sent.provider_message_id == "<d-mail-1@ticketflow>"


async def test_unknown_mailbox_is_permanent(smtp_server):
    failed = await refused(smtp_sender(smtp_server.port).send(mail(NOBODY)))
    assert failed.permanent
    assert "550" in failed.reason
    assert "no such user" in failed.reason
    assert smtp_server.mailbox.envelopes == []


async def test_try_later_is_temporary(smtp_server):
    failed = await refused(smtp_sender(smtp_server.port).send(mail(LATER)))
    assert not failed.permanent
    assert "451" in failed.reason


async def test_rejected_content_is_permanent(smtp_server):
    failed = await refused(smtp_sender(smtp_server.port).send(mail(SPAM)))
    assert failed.permanent
    assert "554" in failed.reason


async def test_header_with_a_line_break_is_permanent_and_not_sent(smtp_server):
    injected = mail(subject="Hello\r\nBcc: victim@example.com")
    failed = await refused(smtp_sender(smtp_server.port).send(injected))
    assert failed.permanent
    assert smtp_server.mailbox.envelopes == []


async def test_no_smtp_server_is_temporary():
    failed = await refused(smtp_sender(free_port()).send(mail()))
    assert not failed.permanent
    assert isinstance(failed.__cause__, OSError)


@pytest.fixture
async def silent_port() -> AsyncIterator[int]:
    """A port that accepts connections and then says nothing."""
    connections: list[asyncio.StreamWriter] = []

    async def hold(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connections.append(writer)

    port = free_port()
    server = await asyncio.start_server(hold, "127.0.0.1", port)
    yield port
    for writer in connections:
        writer.close()
    server.close()
    await server.wait_closed()


async def test_a_server_that_never_greets_times_out_temporarily(silent_port):
    sender = smtp_sender(silent_port, timeout_s=0.3)
    failed = await asyncio.wait_for(refused(sender.send(mail())), timeout=5)
    assert not failed.permanent


@pytest.fixture
def smtp_refusing_logins() -> Iterator[int]:
    def reject(server, session, envelope, mechanism, auth_data) -> AuthResult:
        return AuthResult(success=False, handled=False)

    controller = Controller(
        Mailbox(), hostname="127.0.0.1", port=free_port(),
        authenticator=reject, auth_require_tls=False,
    )  # fmt: skip
    controller.start()
    try:
        yield controller.port
    finally:
        controller.stop()


async def test_refused_login_is_temporary(smtp_refusing_logins):
    sender = smtp_sender(smtp_refusing_logins, username="notify", password="wrong")
    failed = await refused(sender.send(mail()))
    assert not failed.permanent
    assert "535" in failed.reason


def test_smtp_config_refuses_both_tls_modes():
    with pytest.raises(ValueError, match="starttls"):
        SmtpConfig(host="h", port=1, sender="s@x", starttls=True, use_tls=True)


@pytest.fixture
async def gateway(receiver) -> AsyncIterator[HttpSmsGateway]:
    sender = HttpSmsGateway(
        HttpSmsConfig(url=f"{receiver.url}/v1/sms", auth_header="Bearer xyz",
                      sender_id="TICKETFLOW")
    )  # fmt: skip
    yield sender
    await sender.aclose()


async def test_sms_body_is_json_with_awkward_text_intact(receiver, gateway):
    text = 'He said "done"\nnext line\t\\ 已解决 {sender} ✓'
    receiver.answer(200, {"message_id": "gw-123", "status": "queued"})

    sent = await gateway.send(sms(text))

    [request] = receiver.requests
    assert (request.method, request.path) == ("POST", "/v1/sms")
    assert request.headers["content-type"] == "application/json"
    assert request.headers["idempotency-key"] == "d-sms-1"
    assert request.headers["authorization"] == "Bearer xyz"
    assert json.loads(request.body) == {
        "to": "+8613800138000", "text": text, "from": "TICKETFLOW", "reference": "d-sms-1",
    }  # fmt: skip
    assert sent.provider_message_id == "gw-123"


async def test_sms_without_sender_id_and_with_own_template(receiver):
    template = {"messages": [{"destination": "{to}", "content": "{text} (ref {reference})",
                              "originator": "{sender}"}], "flash": False}  # fmt: skip
    gateway = HttpSmsGateway(
        HttpSmsConfig(url=receiver.url, body_template=template, message_id_field="id")
    )
    receiver.answer(201, {"id": 987})
    try:
        sent = await gateway.send(sms("Привет"))
    finally:
        await gateway.aclose()

    [request] = receiver.requests
    assert "authorization" not in request.headers
    assert json.loads(request.body) == {
        "messages": [{"destination": "+8613800138000", "content": "Привет (ref d-sms-1)"}],
        "flash": False,
    }
    assert sent.provider_message_id == "987"


@pytest.mark.parametrize("answer", [b"queued", b"", json.dumps({"other": "x"}).encode(), b"[1, 2]"])
async def test_sms_accepted_without_a_usable_id(receiver, gateway, answer):
    receiver.answer(200, answer, {"content-type": "text/plain"})
    sent = await gateway.send(sms())
    assert sent.provider_message_id is None


@pytest.mark.parametrize(
    ("status", "permanent"),
    [(503, False), (500, False), (429, False), (408, False), (400, True), (401, True),
     (404, True), (302, True)],
)  # fmt: skip
async def test_sms_gateway_refusals(receiver, gateway, status, permanent):
    receiver.answer(status, {"error": "invalid destination number"})
    failed = await refused(gateway.send(sms()))
    assert failed.permanent is permanent
    assert str(status) in failed.reason
    assert "invalid destination number" in failed.reason
    assert len(receiver.requests) == 1


async def test_sms_gateway_unreachable_is_temporary():
    gateway = HttpSmsGateway(HttpSmsConfig(url=f"http://127.0.0.1:{free_port()}/sms"))
    try:
        failed = await refused(gateway.send(sms()))
    finally:
        await gateway.aclose()
    assert not failed.permanent


async def test_sms_gateway_that_never_answers_is_temporary(silent_port):
    gateway = HttpSmsGateway(HttpSmsConfig(url=f"http://127.0.0.1:{silent_port}/", timeout_s=0.3))
    try:
        failed = await asyncio.wait_for(refused(gateway.send(sms())), timeout=5)
    finally:
        await gateway.aclose()
    assert not failed.permanent


async def test_sms_gateway_url_without_http_is_permanent():
    gateway = HttpSmsGateway(HttpSmsConfig(url="ftp://gateway.example/sms"))
    try:
        failed = await refused(gateway.send(sms()))
    finally:
        await gateway.aclose()
    assert failed.permanent


def test_template_placeholders_are_filled_once_and_keys_kept():
    values = {"to": "{text}", "text": "x", "sender": None, "reference": "r"}
    filled = fill_template(
        {"{to}": "{to}", "list": ["{sender}", 1, None, "{reference}"], "from": "{sender}",
         "note": "by {sender}!", "n": 5, "nested": {"deep": ["{text}"]}},
        values,
    )  # fmt: skip
    assert filled == {"{to}": "{text}", "list": ["", 1, None, "r"], "note": "by !", "n": 5,
                      "nested": {"deep": ["x"]}}  # fmt: skip


def test_sms_config_refuses_a_header_with_a_line_break():
    with pytest.raises(ValueError, match="auth_header"):
        HttpSmsConfig(url="http://x", auth_header="Bearer a\r\nX-Evil: 1")


async def test_file_sink_appends_json_lines(tmp_path):
    path = tmp_path / "run" / "sms" / "outbox.jsonl"
    sink = FileSmsSink(path)
    first = await sink.send(sms('已解决 "quoted"\nline two'))
    await sink.send(sms("Second", delivery_id="d-sms-2", ticket_id="T-43"))
    await sink.aclose()

    raw = path.read_text(encoding="utf-8")
    assert "已解决" in raw  # not \u-escaped
    lines = [json.loads(line) for line in raw.splitlines()]
    assert [line["delivery_id"] for line in lines] == ["d-sms-1", "d-sms-2"]
    assert lines[0]["text"] == '已解决 "quoted"\nline two'
    assert {k: v for k, v in lines[1].items() if k != "at"} == {
        "delivery_id": "d-sms-2", "to": "+8613800138000", "text": "Second",
        "tenant_id": "acme", "ticket_id": "T-43",
    }  # fmt: skip
    assert lines[1]["at"].endswith("+00:00")
    assert first.provider_message_id == "d-sms-1"


async def test_file_sink_that_cannot_write_is_temporary(tmp_path):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    failed = await refused(FileSmsSink(blocker / "outbox.jsonl").send(sms()))
    assert not failed.permanent
    assert isinstance(failed.__cause__, OSError)


@pytest.fixture
async def webhooks() -> AsyncIterator[WebhookSender]:
    # The test's receivers listen on 127.0.0.1.
    sender = WebhookSender(timeout_s=2.0, clock=lambda: NOW + 0.75, allow_private=True)
    yield sender
    await sender.aclose()


async def test_webhook_is_signed_for_the_receiver(receiver, webhooks):
    message = hook(f"{receiver.url}/hooks/acme")
    receiver.answer(204, b"", {})

    sent = await webhooks.send(message)

    [request] = receiver.requests
    assert (request.method, request.path) == ("POST", "/hooks/acme")
    assert request.body == message.body.encode()
    assert request.headers["content-type"] == "application/json"
    assert request.headers["x-ticketflow-delivery"] == "d-hook-1"
    assert request.headers["user-agent"] == "ticketflow-notify"
    signature = request.headers["x-ticketflow-signature"]
    assert signature.startswith(f"t={NOW},kid=k1,v1=")
    assert verify(signature, {"k1": "tenant-secret"}, request.body, now=NOW)
    assert not verify(signature, {"k1": "another-secret"}, request.body, now=NOW)
    assert sent.provider_message_id is None


@pytest.mark.parametrize(
    ("status", "permanent"),
    [(503, False), (500, False), (429, False), (408, False), (410, True), (400, True),
     (404, True)],
)  # fmt: skip
async def test_webhook_refusals(receiver, webhooks, status, permanent):
    receiver.answer(status, b"receiver says no", {"content-type": "text/plain"})
    failed = await refused(webhooks.send(hook(receiver.url)))
    assert failed.permanent is permanent
    assert str(status) in failed.reason
    assert "receiver says no" in failed.reason


async def test_webhook_redirect_is_permanent_and_not_followed(receiver, webhooks):
    receiver.answer(302, b"", {"location": f"{receiver.url}/elsewhere"})
    failed = await refused(webhooks.send(hook(f"{receiver.url}/hooks")))
    assert failed.permanent
    assert "302" in failed.reason
    assert [r.path for r in receiver.requests] == ["/hooks"]


async def test_webhook_error_body_is_cut_short(receiver, webhooks):
    receiver.answer(400, b"x" * 100_000, {"content-type": "text/plain"})
    failed = await refused(webhooks.send(hook(receiver.url)))
    assert failed.permanent
    assert len(failed.reason) < 1_000


@pytest.mark.parametrize(
    "changes", [{"signing_secret": None}, {"signing_key_id": None}, {"signing_secret": ""}]
)
async def test_webhook_without_a_key_is_permanent_and_not_sent(receiver, webhooks, changes):
    failed = await refused(webhooks.send(hook(receiver.url, **changes)))
    assert failed.permanent
    assert receiver.requests == []


async def test_webhook_receiver_unreachable_is_temporary(webhooks):
    failed = await refused(webhooks.send(hook(f"http://127.0.0.1:{free_port()}/")))
    assert not failed.permanent


async def test_webhook_receiver_that_never_answers_is_temporary(silent_port):
    sender = WebhookSender(timeout_s=0.3, allow_private=True)
    try:
        failed = await asyncio.wait_for(
            refused(sender.send(hook(f"http://127.0.0.1:{silent_port}/"))), timeout=5
        )
    finally:
        await sender.aclose()
    assert not failed.permanent


@pytest.mark.parametrize("url", ["ftp://example.com/hook", "not a url", "http://[::1/"])
async def test_webhook_url_that_cannot_be_used_is_permanent(webhooks, url):
    failed = await refused(webhooks.send(hook(url)))
    assert failed.permanent


@pytest.mark.parametrize(
    "host", ["127.0.0.1", "localhost", "[::1]", "10.0.0.7", "169.254.169.254", "[::ffff:127.0.0.1]"]
)
async def test_webhook_to_this_deployments_own_network_is_permanent_and_not_sent(receiver, host):
    sender = WebhookSender(timeout_s=2.0)
    try:
        port = receiver.url.rsplit(":", 1)[1]
        failed = await refused(sender.send(hook(f"http://{host}:{port}/hooks")))
    finally:
        await sender.aclose()
    assert failed.permanent
    assert "inside this deployment's network" in failed.reason
    assert receiver.requests == []


async def test_webhook_to_a_public_name_is_checked_by_every_address_it_resolves_to():
    async def resolves(host: str) -> list[str]:
        return {"hooks.example.com": ["93.184.216.34", "192.168.1.5"]}[host]

    sender = WebhookSender(timeout_s=2.0, resolve=resolves)
    try:
        failed = await refused(sender.send(hook("https://hooks.example.com/in")))
    finally:
        await sender.aclose()
    assert failed.permanent
    assert "192.168.1.5" in failed.reason


async def test_webhook_whose_name_does_not_resolve_is_temporary():
    async def nowhere(host: str) -> list[str]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    sender = WebhookSender(timeout_s=2.0, resolve=nowhere)
    try:
        failed = await refused(sender.send(hook("https://hooks.example.com/in")))
    finally:
        await sender.aclose()
    assert not failed.permanent
