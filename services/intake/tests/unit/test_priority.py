import pytest

from services.intake.domain.priority import priority_for
from shared.events.vocabulary import Priority, Severity


@pytest.mark.parametrize(
    ("urgency", "impact", "expected"),
    [
        (1, 1, "P1"), (1, 2, "P2"), (1, 3, "P3"),
        (2, 1, "P2"), (2, 2, "P3"), (2, 3, "P4"),
        (3, 1, "P3"), (3, 2, "P4"), (3, 3, "P5"),
    ],
)  # fmt: skip
def test_the_default_matrix(urgency, impact, expected):
    assert priority_for(urgency, impact, Severity.NORMAL) == Priority(expected)


@pytest.mark.parametrize(
    ("severity", "urgency", "impact", "expected"),
    [
        (Severity.URGENT, 3, 3, "P2"),
        (Severity.URGENT, 1, 1, "P1"),  # the floor never lowers a higher priority
        (Severity.MAJOR, 3, 3, "P1"),
        (Severity.MAJOR, 2, 2, "P1"),
    ],
)
def test_severity_raises_the_minimum_priority(severity, urgency, impact, expected):
    assert priority_for(urgency, impact, severity) == Priority(expected)
