"""Keyword search without a text index: every ticket keeps the tokens of its text in an
array (a multikey index finds them), and a query matches the tickets holding all of its
tokens.

SecantusDB has no ``$text``, and MongoDB's own text index does not segment Chinese, so
tokens are made here: Chinese, Japanese and Korean runs become overlapping character
bigrams (无法上网 → 无法, 法上, 上网: a two-character query finds any text containing it);
other words are case-folded, and words of four letters or more also give their prefixes
from three letters on, so ``посыл`` finds ``Посылка`` and ``посылки``, and ``broad`` finds
``broadband``.
"""

import re
import unicodedata
from collections.abc import Iterable, Sequence

# Han, Hiragana, Katakana, Hangul: scripts written without spaces between words.
_CJK = r"\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_RUN = re.compile(rf"[{_CJK}]+|[^\W_{_CJK}]+")
_CJK_RUN = re.compile(rf"[{_CJK}]+")
MIN_PREFIX = 3
MAX_WORD = 30
MAX_QUERY_TOKENS = 12


def _normalised(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def _runs(text: str) -> list[str]:
    return _RUN.findall(_normalised(text))


def _bigrams(run: str) -> list[str]:
    return [run] if len(run) == 1 else [run[i : i + 2] for i in range(len(run) - 1)]


def document_tokens(texts: Iterable[str | None]) -> list[str]:
    """What a ticket's text is found by, each token once, in a stable order."""
    found: dict[str, None] = {}
    for text in texts:
        for run in _runs(text or ""):
            for token in _document_tokens(run):
                found[token] = None
    return list(found)


def _document_tokens(run: str) -> list[str]:
    if _CJK_RUN.fullmatch(run):
        return _bigrams(run)
    word = run[:MAX_WORD]
    return [word[:n] for n in range(MIN_PREFIX, len(word))] + [word]


def query_tokens(query: str) -> list[str]:
    """The tokens a ticket must hold to match ``query``; the words of a query are matched
    as prefixes, so a query token is the (capped) word itself."""
    found: dict[str, None] = {}
    for run in _runs(query):
        for token in _bigrams(run) if _CJK_RUN.fullmatch(run) else [run[:MAX_WORD]]:
            found[token] = None
    return list(found)[:MAX_QUERY_TOKENS]


def anchor_token(tokens: Sequence[str]) -> str:
    """The token the index looks a query up by: the longest, as the one fewest tickets
    are likely to hold (the first of equals, so a query always asks the same)."""
    return max(tokens, key=len)


def holds_all(held: Iterable[str], tokens: Iterable[str]) -> bool:
    """Whether a ticket holding ``held`` matches a query of ``tokens``."""
    return set(tokens) <= set(held)
