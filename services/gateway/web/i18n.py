"""The dashboard's languages: gettext catalogs (Babel .po files, read at start-up) and the
choice of one per request — ``?lang=``, the language cookie, the user's profile (the
token's ``locale`` claim), ``Accept-Language``, in that order."""

import io
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel.dates import format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

CATALOGS = Path(__file__).parent / "i18n"
# Language tags as pages and cookies spell them → the catalog's locale.
LANGUAGES = {"zh-CN": "zh_CN", "ru": "ru", "en": "en"}
NATIVE_NAMES = {"zh-CN": "中文", "ru": "Русский", "en": "English"}
DEFAULT = "en"
DOMAIN = "messages"


def N_(message: str) -> str:
    """Marks a string for the catalogs; translated where it is shown."""
    return message


def load_catalogs(folder: Path = CATALOGS) -> dict[str, Translations]:
    """Every language's catalog, compiled in memory from its .po file."""
    found = {}
    for tag, locale in LANGUAGES.items():
        with (folder / locale / "LC_MESSAGES" / f"{DOMAIN}.po").open("rb") as po:
            catalog = read_po(po, locale=locale, domain=DOMAIN)
        compiled = io.BytesIO()
        write_mo(compiled, catalog)
        compiled.seek(0)
        found[tag] = Translations(compiled, domain=DOMAIN)
    return found


def tag_of(value: str | None) -> str | None:
    """One of ``LANGUAGES`` for a tag like ``zh-cn``, ``zh_CN``, ``ru-RU``, ``zh``."""
    if not value:
        return None
    try:
        locale = Locale.parse(value.strip().replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return None
    if locale.language == "zh":
        return "zh-CN"
    return locale.language if locale.language in LANGUAGES else None


def accepted(header: str | None) -> list[str]:
    """``Accept-Language`` as tags, most wanted first."""
    ranked = []
    for position, part in enumerate((header or "").split(",")):
        name, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if name and quality > 0:
            ranked.append((-quality, position, name))
    return [name for _, _, name in sorted(ranked)]


def choose(
    query: str | None, cookie: str | None, profile: str | None, accept_language: str | None
) -> str:
    for candidate in (query, cookie, profile, *accepted(accept_language)):
        tag = tag_of(candidate)
        if tag is not None:
            return tag
    return DEFAULT


@dataclass(frozen=True)
class Language:
    """What a page needs to speak one language: its words, and how it writes a time."""

    tag: str
    translations: Translations
    zone: ZoneInfo

    def gettext(self, message: str, **values: object) -> str:
        """The message in this language; ``%(name)s`` placeholders filled from ``values``."""
        translated = str(self.translations.gettext(message))
        return translated % values if values else translated

    def time(self, value: datetime | str | None) -> str:
        if value is None or value == "":
            return ""
        at = datetime.fromisoformat(value) if isinstance(value, str) else value
        locale = LANGUAGES[self.tag]
        return format_datetime(at, "yyyy-MM-dd HH:mm", tzinfo=self.zone, locale=locale)


def language(catalogs: Mapping[str, Translations], tag: str, zone: ZoneInfo) -> Language:
    return Language(tag, catalogs[tag], zone)
