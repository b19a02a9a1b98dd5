"""The in-app channel: nothing leaves the service here. The notice is posted with the
delivery's outcome, as a ``notification.posted`` event through the outbox (see
``app/sending.py``), and the gateway serves it on the recipient's feed."""

from services.notify.domain.channels import Message, Posted


class InAppFeed:
    async def send(self, message: Message) -> Posted:
        return Posted(subject=message.subject, text=message.body)

    async def aclose(self) -> None:
        return None
