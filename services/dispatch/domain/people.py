"""Rule 12: a ticket is circulated (公告/share) inside the sharer's centre only.

Every person of dispatch's directory (``staff``) belongs to a tenant and, optionally, to an
organisation unit: a centre. A person without a centre belongs to the tenant's default
centre, so a tenant that never set centres shares among all its listed staff, and once
centres are set, people without one share only with others without one. A sharer who is
not listed belongs to no centre either. Recipients must be listed in the ticket's tenant
(the sharer acts in that tenant) and be of the sharer's centre.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Person:
    username: str
    centre: str | None = None  # None: the tenant's default centre


@dataclass(frozen=True)
class Colleagues:
    """What the directory knows of the sharer and of the people named, in one tenant."""

    tenant_id: str
    sharer: Person | None
    known: Mapping[str, Person]

    @property
    def centre(self) -> str | None:
        return self.sharer.centre if self.sharer else None

    def outside(self, recipients: Iterable[str]) -> dict[str, str]:
        """Each recipient who may not receive the sharer's ticket, with why."""
        refused: dict[str, str] = {}
        for name in recipients:
            person = self.known.get(name)
            if person is None:
                refused[name] = f"{name} is not in the directory of tenant {self.tenant_id}"
            elif person.centre != self.centre:
                refused[name] = (
                    f"{name} is in {_centre(person.centre)}, not in the sharer's "
                    f"{_centre(self.centre)}"
                )
        return refused


def _centre(centre: str | None) -> str:
    return f"centre {centre}" if centre else "default centre (none set)"
