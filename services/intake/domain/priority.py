"""Urgency × impact → priority (ITIL matrix), with a floor set by severity.

Default matrix (rows urgency, columns impact; 1 = high, 3 = low)::

                impact 1  impact 2  impact 3
    urgency 1      P1        P2        P3
    urgency 2      P2        P3        P4
    urgency 3      P3        P4        P5

Severity ``urgent`` lifts the result to at least P2, ``major`` to P1.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from shared.events.vocabulary import Priority, Severity

Matrix = Mapping[tuple[int, int], Priority]

DEFAULT_MATRIX: Matrix = {
    (1, 1): Priority.P1,
    (1, 2): Priority.P2,
    (1, 3): Priority.P3,
    (2, 1): Priority.P2,
    (2, 2): Priority.P3,
    (2, 3): Priority.P4,
    (3, 1): Priority.P3,
    (3, 2): Priority.P4,
    (3, 3): Priority.P5,
}

SEVERITY_FLOOR: Mapping[Severity, Priority] = {
    Severity.NORMAL: Priority.P5,
    Severity.URGENT: Priority.P2,
    Severity.MAJOR: Priority.P1,
}


@dataclass(frozen=True)
class PriorityBasis:
    """The inputs of a ticket's priority, stored beside it so the result can be explained."""

    urgency: int
    impact: int
    severity: Severity
    from_matrix: Priority
    raised_as_repeat: bool = False


def _rank(priority: Priority) -> int:
    return int(priority.value[1:])


def priority_for(
    urgency: int, impact: int, severity: Severity, matrix: Matrix = DEFAULT_MATRIX
) -> Priority:
    from_matrix = matrix[(urgency, impact)]
    floor = SEVERITY_FLOOR[severity]
    return from_matrix if _rank(from_matrix) <= _rank(floor) else floor


def raised_one_step(priority: Priority) -> Priority:
    """P3 → P2 …; P1 stays P1."""
    return Priority(f"P{max(1, _rank(priority) - 1)}")
