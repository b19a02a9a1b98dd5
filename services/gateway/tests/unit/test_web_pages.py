"""The dashboard's words and forms: every string in each language's catalog, the language
chosen as the brief says, and command bodies built from the forms."""

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from fastapi import FastAPI

from services.gateway.web import i18n
from services.gateway.web.actions import ACTIONS, body_for
from services.gateway.web.wiring import AssetsMissing, check_assets, refuse_to_start_without_assets

WEB = Path(i18n.__file__).parent


def extracted() -> set[str]:
    with (WEB / "babel.cfg").open() as config:
        methods, options = parse_mapping_cfg(config)
    keywords = {"_": None, "N_": None, "gettext": None}
    found = extract_from_dir(WEB, methods, options, keywords)
    return {msg if isinstance(msg, str) else msg[0] for _, _, msg, _, _ in found}


@pytest.mark.parametrize("locale", ["zh_CN", "ru"])
def test_every_string_of_the_pages_is_translated(locale):
    with (WEB / "i18n" / locale / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalog = read_po(po)
    translated = {m.id for m in catalog if m.id and m.string and not m.fuzzy}

    assert extracted() - translated == set()


def test_the_banners_say_what_the_desk_expects():
    catalogs = i18n.load_catalogs()

    assert catalogs["zh-CN"].gettext("Major incident: handle it at once") == "重大故障,请立即处理"
    assert (
        catalogs["zh-CN"].gettext("Urgent: resolve it within the day") == "请在当日内尽快处理完毕"
    )
    assert catalogs["ru"].gettext("Queue") == "Очередь"
    assert catalogs["en"].gettext("Queue") == "Queue"


@pytest.mark.parametrize(
    ("query", "cookie", "profile", "header", "chosen"),
    [
        ("ru", "zh-CN", "en", "en", "ru"),
        (None, "zh-CN", "ru", "en", "zh-CN"),
        (None, None, "ru", "zh-CN", "ru"),
        (None, None, None, "fr;q=1, ru-RU;q=0.8, zh;q=0.9", "zh-CN"),
        (None, None, None, "zh-TW", "zh-CN"),
        ("klingon", None, None, "de, ru;q=0", "en"),
        (None, None, None, None, "en"),
    ],
)
def test_the_language_is_the_query_then_the_cookie_the_profile_accept_language(
    query, cookie, profile, header, chosen
):
    assert i18n.choose(query, cookie, profile, header) == chosen


def test_times_are_written_in_the_tenants_zone():
    lang = i18n.language(i18n.load_catalogs(), "en", ZoneInfo("Asia/Shanghai"))

    assert lang.time(datetime(2026, 5, 1, 16, 30, tzinfo=UTC)) == "2026-05-02 00:30"
    assert lang.time("2026-05-01T16:30:00+00:00") == "2026-05-02 00:30"
    assert lang.time(None) == ""


def test_a_form_becomes_the_commands_body_without_blank_fields():
    resolve = ACTIONS["resolve"]

    body = body_for(resolve, {"cause": " fibre cut ", "solution": "spliced", "closure_code": "",
                              "csrf": "x", "other": "ignored"})  # fmt: skip

    assert body == {"cause": "fibre cut", "solution": "spliced"}
    assert body_for(ACTIONS["accept"], {"csrf": "x"}) == {}
    assert ACTIONS["upgrade_severity"].path == "upgrade-severity"


async def test_the_gateway_refuses_to_start_without_the_browser_assets(tmp_path):
    with pytest.raises(AssetsMissing, match="make deps"):
        check_assets(tmp_path)
    app = FastAPI()
    refuse_to_start_without_assets(app, tmp_path)  # built fine: no I/O until it starts

    with pytest.raises(AssetsMissing, match="npm ci --prefix services/gateway/web"):
        async with app.router.lifespan_context(app):
            pass
