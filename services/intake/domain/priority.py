"""Urgency × impact → priority (ITIL matrix), with a floor set by severity."""

from collections.abc import Mapping

from shared.events.vocabulary import Priority, Severity

# (urgency, impact), 1 = high … 3 = low.
DEFAULT_MATRIX: Mapping[tuple[int, int], Priority] = {
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


def _rank(priority: Priority) -> int:
    return int(priority.value[1:])


def priority_for(
    urgency: int,
    impact: int,
    severity: Severity,
    matrix: Mapping[tuple[int, int], Priority] = DEFAULT_MATRIX,
) -> Priority:
    from_matrix = matrix[(urgency, impact)]
    floor = SEVERITY_FLOOR[severity]
    return from_matrix if _rank(from_matrix) <= _rank(floor) else floor
