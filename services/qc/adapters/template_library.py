"""The appeal template library the project ships: ``services/qc/data/appeal_templates.json``
(seeded from a postal service desk's appeal reasons, in zh-CN with ru and en)."""

import json
from dataclasses import dataclass
from pathlib import Path

from services.qc.domain.appeal_templates import AppealTemplate, Category, template_of

SHIPPED = Path(__file__).resolve().parents[1] / "data" / "appeal_templates.json"


@dataclass(frozen=True)
class ShippedTemplates:
    categories: tuple[Category, ...]
    templates: tuple[AppealTemplate, ...]


def load(path: Path = SHIPPED) -> ShippedTemplates:
    """Read and check the library: a template whose languages disagree on its fields, or
    of a category the file does not name, stops the service at start."""
    data = json.loads(path.read_text(encoding="utf-8"))
    categories = tuple(Category(c["id"], c["names"]) for c in data["categories"])
    ids = [c.category_id for c in categories]
    templates = []
    for t in data["templates"]:
        template = template_of(t["id"], t["category"], t["texts"], None, ids)
        if list(template.fields) != list(t["fields"]):
            raise ValueError(f"template {t['id']}: its texts use {template.fields}")
        templates.append(template)
    return ShippedTemplates(categories, tuple(templates))
