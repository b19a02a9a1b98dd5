"""Ticket numbers from a per-tenant mask such as ``{tenant}-{yyyyMMdd}-{seq:6}``.

Tokens: ``{tenant}``, ``{type}``, ``{yyyy}``, ``{yy}``, ``{MM}``, ``{dd}``, ``{yyyyMMdd}``,
``{yyMMdd}`` and exactly one ``{seq:N}`` (the counter, zero-padded to N digits, 1 ≤ N ≤ 12).
The counter restarts with each period the mask shows: a day token → daily, a month →
monthly, a year → yearly, no date token → never; ``{type}`` keeps one counter per type.
"""

import re
from dataclasses import dataclass
from datetime import datetime

_TOKEN = re.compile(r"\{([^{}]*)\}")
_SEQ = re.compile(r"seq:(\d{1,2})")
_DATE_TOKENS = {
    "yyyy": "%Y",
    "yy": "%y",
    "MM": "%m",
    "dd": "%d",
    "yyyyMMdd": "%Y%m%d",
    "yyMMdd": "%y%m%d",
}
_PERIOD_FORMATS = (("dd", "%Y%m%d"), ("MM", "%Y%m"), ("yy", "%Y"))


class InvalidMask(ValueError):
    pass


@dataclass(frozen=True)
class NumberMask:
    mask: str

    def __post_init__(self) -> None:
        tokens = _TOKEN.findall(self.mask)
        if _TOKEN.sub("", self.mask).count("{") or _TOKEN.sub("", self.mask).count("}"):
            raise InvalidMask(f"unbalanced braces in {self.mask!r}")
        unknown = [t for t in tokens if not _is_known(t)]
        if unknown:
            raise InvalidMask(f"unknown tokens {unknown} in {self.mask!r}")
        seqs = [t for t in tokens if _SEQ.fullmatch(t)]
        if len(seqs) != 1 or not 1 <= int(seqs[0][4:]) <= 12:
            raise InvalidMask(f"{self.mask!r} needs exactly one {{seq:N}} with 1 <= N <= 12")

    def counter_key(self, tenant: str, ticket_type: str, at: datetime) -> str:
        """The counter a number at ``at`` draws from: one per tenant, period and maybe type."""
        dates = [t for t in _TOKEN.findall(self.mask) if t in _DATE_TOKENS]
        period = next(
            (
                at.strftime(fmt)
                for marker, fmt in _PERIOD_FORMATS
                if any(marker in t for t in dates)
            ),
            "",
        )
        kind = ticket_type if "{type}" in self.mask else ""
        return f"{tenant}|{period}|{kind}|{self.mask}"

    def format(self, tenant: str, ticket_type: str, at: datetime, seq: int) -> str:
        def render(match: re.Match[str]) -> str:
            token = match.group(1)
            if token == "tenant":
                return tenant
            if token == "type":
                return ticket_type
            if token in _DATE_TOKENS:
                return at.strftime(_DATE_TOKENS[token])
            return str(seq).zfill(int(token[4:]))

        return _TOKEN.sub(render, self.mask)


def _is_known(token: str) -> bool:
    return token in {"tenant", "type"} or token in _DATE_TOKENS or bool(_SEQ.fullmatch(token))


@dataclass
class Reservation:
    """Counter values ``first..last`` taken at once for a batch of registrations; what the
    batch does not use is given back before it commits, so numbers stay gap-free."""

    first: int
    last: int
    taken: int = 0

    @classmethod
    def after_increment(cls, value: int, count: int) -> "Reservation":
        """The values an increment by ``count`` that left the counter at ``value`` took."""
        return cls(value - count + 1, value)

    def take(self) -> int | None:
        """The next reserved value, or None when all are used."""
        if self.first + self.taken > self.last:
            return None
        self.taken += 1
        return self.first + self.taken - 1

    @property
    def unused(self) -> int:
        return self.last - self.first + 1 - self.taken
