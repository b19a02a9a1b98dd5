"""The shipped templates in zh-CN, ru and en, and tenants' own: sandboxed, strict, whole."""

import json
import re

import pytest

from services.notify.adapters.templates import TEMPLATES, JinjaRenderer, sample_context
from services.notify.domain.channels import Channel
from services.notify.domain.rendering import LANGUAGES, Kind, TemplateFailed, context
from shared.events.dispatch import SupportLine
from shared.events.sla import SlaMetric
from shared.events.vocabulary import Severity, TicketStatus

RENDERER = JinjaRenderer()
MATRIX = [(k, c, lang) for k in Kind for c in (Channel.SMS, Channel.EMAIL) for lang in LANGUAGES]
MINIMAL = context({"number": "GD-7", "subject": "断网"}, {}, {})


@pytest.mark.parametrize(("kind", "channel", "language"), MATRIX)
def test_every_shipped_template_renders_full_and_minimal(
    kind: Kind, channel: Channel, language: str
) -> None:
    for ctx, number in ((sample_context(), "GD-20261202-0001"), (MINIMAL, "GD-7")):
        text = RENDERER.render(kind, channel, language, ctx)
        assert number in (text.subject or "") + text.body
        assert "None" not in text.body
        if channel is Channel.EMAIL:
            assert text.subject
            assert "\n" not in text.subject
        else:
            assert "\n" not in text.body


def test_labels_speak_the_recipients_language() -> None:
    ctx = sample_context()
    ctx["event"] |= {"from_status": "assigned", "to_status": "in_progress"}
    zh = RENDERER.render(Kind.STATUS_CHANGED, Channel.SMS, "zh-CN", ctx).body
    ru = RENDERER.render(Kind.STATUS_CHANGED, Channel.SMS, "ru", ctx).body
    assert "处理中" in zh
    assert "в работе" in ru


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_label_is_translated(language: str) -> None:
    labels = json.loads((TEMPLATES / language / "labels.json").read_text("utf-8"))
    for vocabulary in (TicketStatus, Severity, SlaMetric, SupportLine):
        assert {v.value for v in vocabulary} <= set(labels), vocabulary


def test_a_tenants_own_template_wins() -> None:
    own = "{{ ticket.number }}: 请回电 400-800"
    text = RENDERER.render(Kind.URGED, Channel.SMS, "zh-CN", MINIMAL, own)
    assert text.body == "GD-7: 请回电 400-800"


@pytest.mark.parametrize(
    ("source", "why"),
    [
        ("{{ ticket.number", "TemplateSyntaxError"),
        ("{{ ticket.nope }}", "UndefinedError"),
        ("{{ ''.__class__.__mro__ }}", "SecurityError"),
        ("{{ ticket.number.__class__.__subclasses__() }}", "SecurityError"),
        ("   ", "empty"),
        ("{{ 9 ** 9 ** 9 }}", "power"),
        ("{{ 'x' * 100000000 }}", "repetition"),
        ("{{ 1 // 0 }}", "ZeroDivisionError"),
    ],
)
def test_a_broken_template_fails_whole(source: str, why: str) -> None:
    with pytest.raises(TemplateFailed, match=why):
        RENDERER.render(Kind.URGED, Channel.SMS, "en", sample_context(), source)
    with pytest.raises(TemplateFailed):
        RENDERER.validate(Kind.URGED, Channel.SMS, "en", source)


def test_an_email_template_needs_both_blocks() -> None:
    with pytest.raises(TemplateFailed, match="subject and a body"):
        RENDERER.validate(Kind.URGED, Channel.EMAIL, "en", "{% block body %}x{% endblock %}")


def test_a_line_break_in_the_data_never_reaches_the_subject() -> None:
    ctx = context({"number": "GD-7\r\nBcc: victim@example.com", "subject": "x"}, {}, {})
    text = RENDERER.render(Kind.CLOSED, Channel.EMAIL, "en", ctx)
    assert text.subject is not None
    assert not re.search(r"[\r\n]", text.subject)


def test_a_good_override_is_accepted_and_unknown_languages_are_not() -> None:
    RENDERER.validate(Kind.CLOSED, Channel.SMS, "ru", "Обращение {{ ticket.number }} закрыто")
    with pytest.raises(TemplateFailed, match="no templates"):
        RENDERER.render(Kind.CLOSED, Channel.SMS, "de", MINIMAL)
