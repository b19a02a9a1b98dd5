"""What a transaction's repositories keep for its later use cases: in a batch, what was read
up front in a few queries and what is written in one go just before the commit."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

Hook = Callable[[], Awaitable[None]]


@dataclass(frozen=True)
class TransactionState:
    """The unit of work's ``state`` (the batch's when it joined one) and its
    ``before_commit``: a repository keeps its batch data under its own key."""

    values: dict[str, Any]
    before_commit: Callable[[Hook], None]

    def get(self, key: str) -> Any:
        return self.values.get(key)

    def start(self, key: str, value: Any, hook: Hook | None = None) -> Any:
        """Keep ``value`` under ``key`` for the rest of the transaction; ``hook`` runs
        just before it commits."""
        self.values[key] = value
        if hook is not None:
            self.before_commit(hook)
        return value

    def drop(self, key: str) -> None:
        self.values.pop(key, None)
