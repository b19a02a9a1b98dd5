"""Rendering notification texts with Jinja2: the project's own templates per (kind,
channel, language), a tenant's override winning. Sandboxed, strict about undefined names,
and all or nothing — a template that fails gives ``TemplateFailed``, never half a text."""

import json
import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import StrictUndefined, TemplateError
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from services.notify.domain.channels import Channel
from services.notify.domain.rendering import LANGUAGES, Kind, Rendered, TemplateFailed, context

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
_SPACES = re.compile(r"\s+")
_MAX_REPEAT = 2000


@cache
def _read(path: Path) -> str:
    # Shipped files change only with a release: read each once, not on every delivery.
    return path.read_text("utf-8")


@cache
def _labels(language: str) -> Mapping[str, str]:
    labels: dict[str, str] = json.loads((TEMPLATES / language / "labels.json").read_text("utf-8"))
    return labels


def sample_context() -> dict[str, dict[str, Any]]:
    """Every key set, as a tenant's own template is checked against before it is kept."""
    return context(
        {"number": "GD-20261202-0001", "subject": "宽带断网 / нет интернета",
         "status": "in_progress", "severity": "urgent", "priority": "P2",
         "assignee": "li.wei", "group": "field"},
        {"kind": "ticket_transferred", "occurred_at": "2026-12-02 10:02 CST", "actor": "dispatcher",
         "reason": "on duty", "note": "the customer called again", "urge_count": 2,
         "to_line": "L2", "metric": "resolution", "due_at": "2026-12-02 18:00 CST",
         "from_status": "assigned", "to_status": "in_progress", "message": "an engineer is on it",
         "solution": "spliced the fibre", "score": 55.0, "critical": False, "unit": "delivery-3",
         "category": "延误", "decision": "upheld", "appealable": True},
        {"name": "Li Wei"},
    )  # fmt: skip


class _BoundedSandbox(SandboxedEnvironment):
    """A tenant's template may not burn the CPU or the memory: ``**`` is refused and ``*``
    may not build a string or list longer than a message could ever be."""

    intercepted_binops = frozenset({"**", "*"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**":
            raise SecurityError("the power operator is not allowed in templates")
        if any(isinstance(side, str | list | tuple) for side in (left, right)):
            count = right if isinstance(right, int) else left
            if isinstance(count, int) and count > _MAX_REPEAT:
                raise SecurityError("a repetition that long is not allowed in templates")
        return super().call_binop(context, operator, left, right)


class JinjaRenderer:
    def __init__(self, root: Path = TEMPLATES) -> None:
        self._root = root
        self._environments = {lang: self._environment(lang) for lang in LANGUAGES}

    def _environment(self, language: str) -> SandboxedEnvironment:
        env = _BoundedSandbox(
            undefined=StrictUndefined, autoescape=False, trim_blocks=True, lstrip_blocks=True,
            keep_trailing_newline=False,
            # A value that does not apply prints as nothing, never as "None".
            finalize=lambda value: "" if value is None else value,
        )  # fmt: skip
        labels = _labels(language)
        env.filters["label"] = lambda value: "" if value is None else labels.get(str(value), value)
        return env

    def shipped(self, kind: Kind, channel: Channel, language: str) -> str:
        self._check(channel, language)
        return _read(self._root / language / f"{kind.value}.{channel.value}.j2")

    def render_digest(
        self, channel: Channel, language: str, ticket: Mapping[str, Any], items: list[str],
        recipient: Mapping[str, Any],
    ) -> Rendered:  # fmt: skip
        self._check(channel, language)
        source = _read(self._root / language / f"digest.{channel.value}.j2")
        ctx = {"ticket": dict(ticket), "items": list(items), "count": len(items),
               "recipient": dict(recipient)}  # fmt: skip
        try:
            return self._render(source, channel, language, ctx)
        except (TemplateError, TypeError, ValueError) as error:
            raise TemplateFailed(f"digest/{channel.value}/{language}: {error}") from error

    def render(
        self, kind: Kind, channel: Channel, language: str, ctx: Mapping[str, Any],
        override: str | None = None,
    ) -> Rendered:  # fmt: skip
        source = override if override is not None else self.shipped(kind, channel, language)
        where = f"{kind.value}/{channel.value}/{language}"
        try:
            return self._render(source, channel, language, ctx)
        except TemplateFailed as error:
            raise TemplateFailed(f"{where}: {error}") from error
        except (
            TemplateError,
            TypeError,
            ValueError,
            AttributeError,
            KeyError,
            ArithmeticError,
            RecursionError,
        ) as error:
            raise TemplateFailed(f"{where}: {type(error).__name__}: {error}") from error

    def validate(self, kind: Kind, channel: Channel, language: str, source: str) -> None:
        self.render(kind, channel, language, sample_context(), source)

    def _render(
        self, source: str, channel: Channel, language: str, ctx: Mapping[str, Any]
    ) -> Rendered:
        self._check(channel, language)
        template = self._environments[language].from_string(source)
        if channel is Channel.SMS:
            return Rendered(None, _one_line(template.render(ctx)))
        blocks = template.blocks
        if "subject" not in blocks or "body" not in blocks:
            raise TemplateFailed("an e-mail template needs a subject and a body block")
        run = template.new_context(dict(ctx))
        subject = _one_line("".join(blocks["subject"](run)))
        body = "".join(blocks["body"](run)).strip()
        if not body:
            raise TemplateFailed("the body is empty")
        return Rendered(subject, body)

    @staticmethod
    def _check(channel: Channel, language: str) -> None:
        if language not in LANGUAGES:
            raise TemplateFailed(f"no templates in {language!r}")
        if channel not in (Channel.SMS, Channel.EMAIL):
            raise TemplateFailed(f"the {channel.value} channel has no templates")


def _one_line(text: str) -> str:
    """SMS and subjects are one line: a newline in a subject would be a header injection."""
    line = _SPACES.sub(" ", text).strip()
    if not line:
        raise TemplateFailed("the text is empty")
    return line
