"""The appeal template library (申诉理由模板): reasons by category, each a text in zh-CN, ru
and en whose placeholders (「{month}月{day}日」) are named fields the appellant fills.

The project ships a library; a tenant adds templates of its own and retires any it does
not use (shipped ones too, for that tenant only).
"""

import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from shared.errors import InvalidFields, NotFound

LANGUAGES = ("zh-CN", "ru", "en")
OTHER = "other"  # a reason of the appellant's own words, outside the library's categories


@dataclass(frozen=True)
class Category:
    category_id: str
    names: Mapping[str, str]


@dataclass(frozen=True)
class AppealTemplate:
    template_id: str
    category: str
    fields: tuple[str, ...]
    texts: Mapping[str, str]  # language → text
    tenant_id: str | None = None  # None: shipped with the project

    def text_in(self, language: str) -> str:
        """The text in ``language``, else the first the template has of zh-CN, en, ru."""
        for lang in (language, "zh-CN", "en", "ru"):
            if lang in self.texts:
                return self.texts[lang]
        raise AssertionError(f"template {self.template_id} has no text")

    def fill(self, language: str, values: Mapping[str, str]) -> str:
        """The text with every field filled; a missing or unknown field is refused."""
        errors = {f"fields.{f}": "is required by the template" for f in self.fields
                  if not values.get(f, "").strip()}  # fmt: skip
        errors |= {f"fields.{f}": "is not a field of the template" for f in values
                   if f not in self.fields}  # fmt: skip
        if errors:
            raise InvalidFields(errors)
        # format_map does not format what it inserts: a value with braces stays as typed.
        return self.text_in(language).format_map({f: values[f].strip() for f in self.fields})


def placeholders(text: str) -> tuple[str, ...]:
    """The named fields of ``text`` in first-appearance order; anything else that
    ``str.format`` would read (positional, indexed, converted fields) is refused."""
    found: list[str] = []
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as error:
        raise ValueError(f"not a template text: {error}") from None
    for _literal, name, spec, conversion in parsed:
        if name is None:
            continue
        if not name.isidentifier() or not name.islower() or spec or conversion:
            raise ValueError(f"{{{name}}} is not a field name (lowercase letters, digits, _)")
        if name not in found:
            found.append(name)
    return tuple(found)


def template_of(
    template_id: str, category: str, texts: Mapping[str, str], tenant_id: str | None,
    categories: Iterable[str],
) -> AppealTemplate:  # fmt: skip
    """A template from its texts, whose fields must be the same in every language."""
    errors: dict[str, str] = {}
    if category not in set(categories) | {OTHER}:
        errors["category"] = f"unknown category {category!r}"
    if not texts:
        errors["texts"] = "give the text in at least one of " + ", ".join(LANGUAGES)
    fields: dict[str, tuple[str, ...]] = {}
    for language, text in texts.items():
        try:
            fields[language] = placeholders(text)
        except ValueError as error:
            errors[f"texts.{language}"] = str(error)
    if len({frozenset(f) for f in fields.values()}) > 1:
        errors["texts"] = "every language's text has the same fields"
    if errors:
        raise InvalidFields(errors)
    first = next(iter(fields.values()), ())
    return AppealTemplate(template_id, category, first, dict(texts), tenant_id)


@dataclass(frozen=True)
class Library:
    """What one tenant may use: the shipped templates it did not retire and its own."""

    categories: tuple[Category, ...]
    templates: tuple[AppealTemplate, ...]

    def category_ids(self) -> list[str]:
        return [c.category_id for c in self.categories]

    def get(self, template_id: str) -> AppealTemplate:
        for template in self.templates:
            if template.template_id == template_id:
                return template
        raise NotFound(f"no appeal template {template_id!r}")

    def in_category(self, category: str | None) -> list[AppealTemplate]:
        return [t for t in self.templates if category is None or t.category == category]


def library(
    categories: tuple[Category, ...], shipped: Iterable[AppealTemplate],
    own: Iterable[AppealTemplate], retired: Iterable[str],
) -> Library:  # fmt: skip
    gone = set(retired)
    kept = [t for t in (*shipped, *own) if t.template_id not in gone]
    return Library(categories, tuple(kept))
