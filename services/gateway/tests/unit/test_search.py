"""Keyword tokens for Chinese, Russian and English text, without a text index."""

from services.gateway.domain.search import anchor_token, document_tokens, holds_all, query_tokens


def found(text: str, query: str) -> bool:
    return holds_all(document_tokens([text]), query_tokens(query))


def test_chinese_is_found_by_any_two_or_more_characters_of_it():
    text = "朝阳区宽带无法上网"

    assert found(text, "无法上网")
    assert found(text, "宽带")
    assert found(text, "朝阳区")
    assert not found(text, "上海")
    assert not found(text, "网宽")  # not in this order


def test_a_single_character_query_finds_a_single_character_word():
    assert found("修", "修")
    assert not found("修理", "修")  # bigrams only: one character finds only itself


def test_words_are_case_folded_and_found_by_their_prefixes_from_three_letters():
    assert found("Broadband DOWN since 08:00", "broad")
    assert found("Broadband DOWN since 08:00", "down 08")
    assert found("Посылка задерживается", "посылк")
    assert found("Посылка задерживается", "ЗАДЕРЖ")
    assert not found("Посылка задерживается", "посылки")
    assert not found("broadband", "br")  # two letters find only a two-letter word
    assert found("no IP address", "ip")


def test_mixed_scripts_and_full_width_forms_are_normalised():
    assert found("ＯＬＴ端口3故障", "olt")
    assert found("ＯＬＴ端口3故障", "端口")
    assert found("OLT-3 端口故障 port flapping", "flap 故障")


def test_all_query_tokens_must_match():
    assert not found("broadband down", "broadband up")


def test_tokens_are_unique_and_long_words_and_queries_are_capped():
    tokens = document_tokens(["aaaa aaaa", "x" * 100])

    assert len(tokens) == len(set(tokens))
    assert max(len(t) for t in tokens) == 30
    assert len(query_tokens(" ".join(f"w{i}" for i in range(50)))) == 12


def test_empty_and_missing_texts_give_no_tokens():
    assert document_tokens([None, "", "  --  "]) == []
    assert query_tokens("  ,, ") == []


def test_the_anchor_is_the_longest_token_and_the_first_of_equals():
    assert anchor_token(query_tokens("vpn finance")) == "finance"
    assert anchor_token(query_tokens("无法上网")) == "无法"
    assert anchor_token(["ab", "cd"]) == "ab"


def test_a_ticket_holds_a_query_only_with_every_token():
    assert holds_all(["a", "b", "c"], ["c", "a"])
    assert not holds_all(["a", "b"], ["a", "z"])
    assert holds_all(["a"], [])
