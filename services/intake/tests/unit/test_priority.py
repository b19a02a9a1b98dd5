import pytest

from services.intake.domain.priority import DEFAULT_MATRIX, priority_for, raised_one_step
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


def test_a_tenant_matrix_replaces_the_default_in_every_cell():
    flipped = {cell: Priority(f"P{6 - int(p.value[1:])}") for cell, p in DEFAULT_MATRIX.items()}
    for (urgency, impact), expected in flipped.items():
        assert priority_for(urgency, impact, Severity.NORMAL, flipped) == expected


def test_the_severity_floor_applies_to_a_tenant_matrix_too():
    everything_low = dict.fromkeys(DEFAULT_MATRIX, Priority.P5)
    assert priority_for(1, 1, Severity.URGENT, everything_low) is Priority.P2
    assert priority_for(1, 1, Severity.MAJOR, everything_low) is Priority.P1


@pytest.mark.parametrize(
    ("before", "after"), [("P5", "P4"), ("P4", "P3"), ("P3", "P2"), ("P2", "P1"), ("P1", "P1")]
)
def test_a_repeat_raises_one_step_and_p1_stays(before, after):
    assert raised_one_step(Priority(before)) is Priority(after)
