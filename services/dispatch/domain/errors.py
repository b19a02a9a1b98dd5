"""The domain's refusals; each is a caller's mistake and changes nothing."""

from shared.errors import Conflict, Forbidden, InvalidFields


class IllegalTransition(Conflict):
    """The command is not allowed in the ticket's status; ``allowed`` lists what is."""


__all__ = ["Forbidden", "IllegalTransition", "InvalidField"]


class InvalidField(InvalidFields):
    """A field the command needs in this situation is missing or wrong (a 422 naming it,
    like a schema error)."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__({field: reason})
        self.field = field
        self.reason = reason
