"""A ticket list exported as a table (导出): the columns a back-office list shows, with
headings in the reports' languages."""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

# At most this many tickets in one export: a list's current filter, newest first.
EXPORT_LIMIT = 10_000

TICKET_COLUMNS: dict[str, dict[str, str]] = {
    "number": {"en": "Number", "zh-CN": "工单编号", "ru": "Номер"},
    "subject": {"en": "Subject", "zh-CN": "主题", "ru": "Тема"},
    "type": {"en": "Type", "zh-CN": "类型", "ru": "Тип"},
    "status": {"en": "Status", "zh-CN": "状态", "ru": "Статус"},
    "priority": {"en": "Priority", "zh-CN": "优先级", "ru": "Приоритет"},
    "severity": {"en": "Severity", "zh-CN": "严重程度", "ru": "Серьёзность"},
    "source": {"en": "Source", "zh-CN": "来源", "ru": "Канал"},
    "region": {"en": "Region", "zh-CN": "区域", "ru": "Регион"},
    "group": {"en": "Group", "zh-CN": "处理组", "ru": "Группа"},
    "assignee": {"en": "Assignee", "zh-CN": "处理人", "ru": "Исполнитель"},
    "registered_at": {"en": "Registered", "zh-CN": "受理时间", "ru": "Зарегистрирована"},
    "updated_at": {"en": "Updated", "zh-CN": "更新时间", "ru": "Обновлена"},
    "overdue": {"en": "Overdue", "zh-CN": "超时", "ru": "Просрочена"},
    "urge_count": {"en": "Urges", "zh-CN": "催单次数", "ru": "Напоминания"},
}


def ticket_headings(lang: str) -> list[str]:
    return [labels[lang] for labels in TICKET_COLUMNS.values()]


def ticket_cells(view: Mapping[str, Any]) -> list[Any]:
    """One row: times in ISO 8601 (UTC), missing values empty, flags true/false."""
    return [_cell(name, view.get(name)) for name in TICKET_COLUMNS]


def _cell(name: str, value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if value is None:
        return False if name == "overdue" else (0 if name == "urge_count" else "")
    return value
