from datetime import datetime

import pytest

from services.intake.domain.numbering import InvalidMask, NumberMask

AT = datetime(2026, 3, 7, 23, 59)


@pytest.mark.parametrize(
    ("mask", "expected"),
    [
        ("{tenant}-{yyyyMMdd}-{seq:6}", "acme-20260307-000042"),
        ("{type}{yy}{seq:8}", "complaint2600000042"),
        ("{yyyy}/{MM}/{dd}#{seq:3}", "2026/03/07#042"),
        ("WO{yyMMdd}{seq:4}", "WO2603070042"),
        ("{seq:1}", "42"),
    ],
)
def test_every_token_renders(mask, expected):
    assert NumberMask(mask).format("acme", "complaint", AT, 42) == expected


def test_a_sequence_wider_than_its_padding_is_not_truncated():
    assert NumberMask("{seq:2}").format("a", "t", AT, 12345) == "12345"


@pytest.mark.parametrize(
    ("mask", "period"),
    [
        ("{tenant}-{yyyyMMdd}-{seq:6}", "20260307"),
        ("{yyMMdd}{seq:6}", "20260307"),
        ("{yyyy}{MM}-{seq:6}", "202603"),
        ("{yy}{seq:6}", "2026"),
        ("{yyyy}{seq:6}", "2026"),
        ("N{seq:6}", ""),
    ],
)
def test_the_counter_restarts_with_the_period_the_mask_shows(mask, period):
    assert NumberMask(mask).counter_key("acme", "incident", AT).split("|")[1] == period


def test_a_type_token_keeps_one_counter_per_type():
    mask = NumberMask("{type}{yy}{seq:8}")
    assert mask.counter_key("acme", "incident", AT) != mask.counter_key("acme", "repair", AT)
    plain = NumberMask("{yy}{seq:8}")
    assert plain.counter_key("acme", "incident", AT) == plain.counter_key("acme", "repair", AT)


def test_tenants_never_share_a_counter():
    mask = NumberMask("{seq:6}")
    assert mask.counter_key("a", "incident", AT) != mask.counter_key("b", "incident", AT)


@pytest.mark.parametrize(
    "mask",
    [
        "{tenant}-{yyyyMMdd}",  # no sequence
        "{seq:6}-{seq:6}",  # two sequences
        "{seq:0}",
        "{seq:13}",
        "{seq}",
        "{tenant}-{hour}-{seq:4}",  # unknown token
        "{tenant-{seq:4}",  # unbalanced
        "{seq:4}}",
    ],
)
def test_invalid_masks_are_refused_at_configuration_time(mask):
    with pytest.raises(InvalidMask):
        NumberMask(mask)
