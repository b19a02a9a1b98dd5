"""Notify's Kafka entrypoint: every event of every service, for the people around the
ticket and the tenant's webhook subscribers."""

from services.notify.app.context import NotifyContext
from services.notify.app.following import on_event
from shared.events.codec import decode_event
from shared.kafka.delivery import InboundMessage, MessageHandler


def every_event(ctx: NotifyContext) -> MessageHandler:
    async def handle(message: InboundMessage) -> None:
        event = decode_event(message.value)
        if event is None:
            return  # a type this build does not know; logged by the codec
        await on_event(event, ctx.new_uow)
        ctx.wake_sender()

    return handle
