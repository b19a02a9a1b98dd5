"""What the gateway's entrypoints are handed."""

from dataclasses import dataclass

from services.gateway.app.ports import NewUnitOfWork


@dataclass(frozen=True)
class GatewayContext:
    new_uow: NewUnitOfWork
