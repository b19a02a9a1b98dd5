"""A tenant's inspection checklist (质检项) and how an inspection is scored.

Each item has a weight; the score is the weighted share of the items met, 0–100. An
inspection passes when the score reaches the pass mark and no critical item failed (a
critical item fails the inspection whatever the score).
"""

from dataclasses import dataclass
from typing import Self

from shared.errors import InvalidFields


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    label: str
    weight: int
    critical: bool = False


@dataclass(frozen=True)
class Checklist:
    items: tuple[ChecklistItem, ...]
    pass_mark: float = 80.0

    @classmethod
    def of(cls, items: list[ChecklistItem], pass_mark: float) -> Self:
        keys = [item.key for item in items]
        if not items:
            raise InvalidFields({"items": "a checklist has at least one item"})
        if len(set(keys)) != len(keys):
            raise InvalidFields({"items": "item keys must be unique"})
        return cls(tuple(items), pass_mark)


@dataclass(frozen=True)
class Score:
    score: float
    passed: bool
    failed_items: list[str]


def misjudged(checklist: Checklist, met: dict[str, bool]) -> dict[str, str]:
    """Every item must be judged, and only the checklist's items."""
    keys = {item.key for item in checklist.items}
    errors = {f"items.{k}": "is not on the checklist" for k in sorted(set(met) - keys)}
    return errors | {f"items.{k}": "must be judged" for k in sorted(keys - set(met))}


def score(checklist: Checklist, met: dict[str, bool]) -> Score:
    errors = misjudged(checklist, met)
    if errors:
        raise InvalidFields(errors)
    total = sum(item.weight for item in checklist.items)
    earned = sum(item.weight for item in checklist.items if met[item.key])
    value = round(100.0 * earned / total, 1)
    failed = [item.key for item in checklist.items if not met[item.key]]
    critical = any(item.critical for item in checklist.items if not met[item.key])
    return Score(value, value >= checklist.pass_mark and not critical, failed)


def default_checklist() -> Checklist:
    """The checks of the EOMS reply inspection, until a tenant sets its own."""
    return Checklist((
        ChecklistItem("reply_complete", "Cause and solution filled in and specific", 30),
        ChecklistItem("solution_effective", "The solution fixed what the customer reported", 30,
                      critical=True),
        ChecklistItem("closure_code_correct", "Closure code matches the solution", 20),
        ChecklistItem("customer_informed", "The customer was told the result", 20),
    ))  # fmt: skip
