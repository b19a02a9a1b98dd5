"""The domain's refusals; each is a caller's mistake and changes nothing."""

from collections.abc import Iterable

from shared.errors import Conflict, InvalidFields, RequestError


class IllegalTransition(Conflict):
    """The command is not allowed in the ticket's status; ``allowed`` lists what is."""


class Forbidden(RequestError):
    status_code = 403

    def __init__(self, message: str, allowed_roles: Iterable[str] = ()) -> None:
        super().__init__(message)
        self.allowed_roles = sorted(allowed_roles)

    def detail(self) -> dict[str, object]:
        return {"message": self.message, "allowed_roles": self.allowed_roles}


class InvalidField(InvalidFields):
    """A field the command needs in this situation is missing or wrong (a 422 naming it,
    like a schema error)."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__({field: reason})
        self.field = field
        self.reason = reason
