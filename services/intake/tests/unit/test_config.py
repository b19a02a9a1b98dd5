from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from services.intake.domain.config import TenantConfig
from services.intake.domain.priority import DEFAULT_MATRIX
from services.intake.settings import IntakeSettings
from shared.events.vocabulary import Priority, TicketType


def test_defaults_apply_when_a_tenant_configured_nothing():
    config = TenantConfig()
    assert config.number_mask == "{tenant}-{yyyyMMdd}-{seq:6}"
    assert config.matrix == DEFAULT_MATRIX
    assert not config.quarantine_unknown_contacts
    assert config.repeat_window_minutes == 240
    assert config.repeat_rule.types == {TicketType.COMPLAINT}
    assert config.max_attachment_bytes == 10 * 1024 * 1024


@pytest.mark.parametrize("mask", ["{tenant}", "{seq:6}{seq:2}", "{hh}{seq:4}", "{seq:4"])
@pytest.mark.parametrize("where", [TenantConfig, IntakeSettings])
def test_an_invalid_mask_is_refused_naming_the_field(mask, where):
    with pytest.raises(ValidationError) as info:
        where(number_mask=mask)
    [error] = info.value.errors()
    assert error["loc"] == ("number_mask",)


def test_the_matrix_is_read_row_by_urgency_and_column_by_impact():
    rows = [["P1", "P1", "P2"], ["P2", "P3", "P3"], ["P4", "P5", "P5"]]
    config = TenantConfig.model_validate({"priority_matrix": rows})
    assert config.matrix[(1, 3)] is Priority.P2
    assert config.matrix[(3, 1)] is Priority.P4
    assert config.matrix[(2, 2)] is Priority.P3


@pytest.mark.parametrize(
    "rows",
    [
        [["P1", "P2"], ["P2", "P3", "P4"], ["P3", "P4", "P5"]],
        [["P1", "P2", "P3"], ["P2", "P3", "P4"]],
        [["P1", "P2", "P3"], ["P2", "P3", "P4"], ["P3", "P4", "P6"]],
    ],
)
def test_a_matrix_must_be_three_by_three_priorities(rows):
    with pytest.raises(ValidationError):
        TenantConfig.model_validate({"priority_matrix": rows})


def test_unknown_settings_are_refused():
    with pytest.raises(ValidationError):
        TenantConfig.model_validate({"quarantine": True})


def test_a_zero_window_turns_the_repeat_rule_off():
    assert not TenantConfig(repeat_window_minutes=0).repeat_rule.window


def test_a_tenant_may_number_in_its_own_time_zone():
    shanghai = ZoneInfo("Asia/Shanghai")
    assert TenantConfig().zone(shanghai) is shanghai
    assert TenantConfig(time_zone="Europe/Moscow").zone(shanghai) == ZoneInfo("Europe/Moscow")
    with pytest.raises(ValidationError) as info:
        TenantConfig(time_zone="Mars/Olympus")
    assert info.value.errors()[0]["loc"] == ("time_zone",)
