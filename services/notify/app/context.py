"""What notify's entrypoints are handed."""

from collections.abc import Callable
from dataclasses import dataclass

from services.notify.app.ports import NewUnitOfWork, Renderer


@dataclass(frozen=True)
class NotifyContext:
    new_uow: NewUnitOfWork
    renderer: Renderer
    wake_sender: Callable[[], None]  # a delivery was queued: the sender looks at once
