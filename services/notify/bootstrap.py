"""Wires the notify service: the only place that builds clients, providers, repositories
and entrypoints."""

from pathlib import Path

from fastapi import FastAPI
from opentelemetry.sdk.trace.export import SpanExporter

from services.notify.adapters.email import SmtpConfig, SmtpSender
from services.notify.adapters.feed import InAppFeed
from services.notify.adapters.mongo import (
    INDEXES,
    TICKETS,
    MongoDeliveryQueue,
    NotifyMongoUnitOfWork,
)
from services.notify.adapters.sms import FileSmsSink, HttpSmsConfig, HttpSmsGateway
from services.notify.adapters.templates import JinjaRenderer
from services.notify.adapters.webhooks import WebhookSender
from services.notify.app.context import NotifyContext
from services.notify.app.ports import Sender
from services.notify.app.sending import DeliverySender, SenderConfig
from services.notify.domain.channels import Channel
from services.notify.domain.deliveries import RetryPolicy
from services.notify.entrypoints import http, kafka
from services.notify.settings import NotifySettings
from shared.clock import Clock
from shared.service import ServiceKit

CONSUMER_GROUP = "notify"


def create_senders(settings: NotifySettings) -> dict[Channel, Sender]:
    """One provider per channel the settings configure; a channel without one fails its
    deliveries visibly ("no sms provider is configured")."""
    webhooks = WebhookSender(allow_private=settings.webhook_allow_private)
    senders: dict[Channel, Sender] = {Channel.WEBHOOK: webhooks, Channel.IN_APP: InAppFeed()}
    if settings.sms_provider == "file":
        senders[Channel.SMS] = FileSmsSink(Path(settings.sms_file))
    elif settings.sms_provider == "http" and settings.sms_http_url:
        auth = settings.sms_http_auth_header
        senders[Channel.SMS] = HttpSmsGateway(HttpSmsConfig(
            settings.sms_http_url, auth.get_secret_value() if auth else None,
            settings.sms_sender_id,
        ))  # fmt: skip
    if settings.smtp_host:
        password = settings.smtp_password
        senders[Channel.EMAIL] = SmtpSender(SmtpConfig(
            settings.smtp_host, settings.smtp_port, settings.smtp_sender,
            settings.smtp_username, password.get_secret_value() if password else None,
            settings.smtp_starttls, settings.smtp_tls,
        ))  # fmt: skip
    return senders


def create_app(
    settings: NotifySettings,
    clock: Clock | None = None,
    span_exporter: SpanExporter | None = None,
    senders: dict[Channel, Sender] | None = None,
) -> FastAPI:
    """The service as an ASGI app; its lifespan starts and stops everything it uses."""
    kit = ServiceKit(settings, clock, span_exporter)
    topics = kit.topics
    new_uow = kit.units_of_work(NotifyMongoUnitOfWork)
    senders = senders if senders is not None else create_senders(settings)
    renderer = JinjaRenderer()
    retry = RetryPolicy(settings.delivery_max_attempts, settings.delivery_retry_base_s,
                        settings.delivery_retry_cap_s)  # fmt: skip
    sender = DeliverySender(
        new_uow, MongoDeliveryQueue(kit.db), senders, renderer, kit.clock, kit.replica,
        SenderConfig(retry=retry, poll_interval_s=settings.sender_poll_interval_s),
    )  # fmt: skip
    ctx = NotifyContext(new_uow=new_uow, renderer=renderer, wake_sender=sender.wake)
    kit.subscribe(
        [topics.intake_events, topics.dispatch_events, topics.sla_events, topics.qc_events],
        CONSUMER_GROUP, kafka.every_event(ctx), batched=True,
    )  # fmt: skip
    kit.know_tenants(f"{CONSUMER_GROUP}.tenants", ticket_collections=[TICKETS])
    return kit.app(
        context=ctx,
        routers=[http.router],
        indexes=INDEXES,
        produces=[topics.notify_events],
        loops=[sender.run],
        on_shutdown=[s.aclose for s in senders.values()],
    )
