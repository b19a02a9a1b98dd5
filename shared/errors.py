"""The two kinds of error a service raises on purpose.

A caller's mistake is a :class:`RequestError` subclass and becomes a 4xx at the HTTP edge
(or a rejection event on Kafka). Anything else is a bug and is never handled quietly.
"""

from collections.abc import Iterable


class RequestError(Exception):
    """The caller asked for something that cannot be done; nothing was changed."""

    status_code = 400
    headers: dict[str, str] | None = None

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def detail(self) -> dict[str, object]:
        return {"message": self.message}


class Unauthenticated(RequestError):
    """No valid bearer token: a 401 whose ``WWW-Authenticate`` says why (RFC 6750)."""

    status_code = 401

    def __init__(self, message: str, error: str = "invalid_token") -> None:
        super().__init__(message)
        description = message.replace('"', "'")
        self.headers = {
            "WWW-Authenticate": f'Bearer realm="ticketflow", error="{error}", '
            f'error_description="{description}"'
        }


class Forbidden(RequestError):
    """The actor's role may not do this; ``allowed_roles`` names who may, when known."""

    status_code = 403

    def __init__(self, message: str, allowed_roles: Iterable[str] = ()) -> None:
        super().__init__(message)
        self.allowed_roles = sorted(allowed_roles)

    def detail(self) -> dict[str, object]:
        return {"message": self.message, "allowed_roles": self.allowed_roles}


class NotFound(RequestError):
    status_code = 404


class InvalidFields(RequestError):
    """Values that are well-formed but refused by what is stored (an unknown tenant, a
    ``related_to`` that does not exist): a 422 naming each field, like a schema error."""

    status_code = 422

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{name}: {reason}" for name, reason in errors.items()))
        self.errors = errors

    def field_errors(self) -> list[dict[str, str]]:
        return [{"field": name, "reason": reason} for name, reason in self.errors.items()]


class Conflict(RequestError):
    """The request clashes with the current state (illegal transition, stale version)."""

    status_code = 409

    def __init__(self, message: str, allowed: Iterable[str] = ()) -> None:
        super().__init__(message)
        self.allowed = sorted(allowed)

    def detail(self) -> dict[str, object]:
        return {"message": self.message, "allowed": self.allowed}


class TransientConflict(Exception):
    """A concurrent transaction touched the same data; running the use case again is safe."""


class SharedTransactionAborted(Exception):
    """A use case inside a batch's shared transaction hit a transient error: the whole
    transaction is gone, so the batch is retried, never the use case alone in it."""
