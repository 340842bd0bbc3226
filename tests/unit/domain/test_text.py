"""The input policy for free text (domain.text): properties and the reported cases."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from splitledger.domain import TextError, clean_text, fold_cell, name_key, visible
from splitledger.domain.text import _kind

#: Every character class the policy is about, over-represented so that draws hit them.
HOSTILE = st.sampled_from(
    [
        "\x1b",
        "\x07",
        "\x00",
        "\t",
        "\n",
        "\r",
        "\x7f",
        "\x85",
        "\x9b",
        "\u200b",
        "\u200c",
        "\u200d",
        "\u2060",
        "\ufeff",
        "\u00ad",
        "\u202a",
        "\u202e",
        "\u2066",
        "\u2069",
        "\u200e",
        "\u061c",
        "\u2028",
        "\u2029",
        "[",
        "]",
        "@",
        "=",
        "/",
        " ",
        "a",
        "A",
        "\u0430",
        "é",
        "e\u0301",
        "漢",
        "🍕",
        "👩",
    ]
)
TEXT = st.lists(st.one_of(HOSTILE, st.characters()), max_size=40).map("".join)


def _refused(ch: str) -> bool:
    return _kind(ch) is not None


@given(TEXT)
def test_clean_text_returns_only_what_the_policy_allows(value: str) -> None:
    try:
        cleaned = clean_text(value, field="description", max_length=30)
    except TextError as exc:
        message = str(exc)
        assert message.startswith("description: ")
        return
    assert cleaned == unicodedata.normalize("NFC", cleaned)
    assert cleaned == cleaned.strip()
    assert 1 <= len(cleaned) <= 30
    for i, ch in enumerate(cleaned):
        if _refused(ch):  # only a joiner between two pictographs may stay
            assert ch == "\u200d"
            assert 0 < i < len(cleaned) - 1


@given(TEXT)
def test_clean_text_is_idempotent(value: str) -> None:
    try:
        once = clean_text(value, field="x", max_length=100)
    except TextError:
        return
    assert clean_text(once, field="x", max_length=100) == once


@given(st.text(alphabet=st.characters(codec="ascii", categories=["L", "N"]), min_size=1))
def test_the_position_in_the_message_is_where_the_character_is(prefix: str) -> None:
    value = prefix + "\x1b[31m"
    with pytest.raises(TextError) as info:
        clean_text(value, field="description", max_length=500)
    assert str(info.value) == (
        f"description: contains a control character U+001B (ESCAPE) at position {len(prefix) + 1}"
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("osc\x1b]2;PWNED\x1b\\x", "a control character U+001B (ESCAPE) at position 4"),
        ("ann\u200b", "an invisible character U+200B (ZERO WIDTH SPACE) at position 4"),
        ("ab\u202ecd", "a text-direction control character U+202E (RIGHT-TO-LEFT OVERRIDE)"),
        ("a\x9bb", "a control character U+009B (CONTROL SEQUENCE INTRODUCER)"),
        ("", "must not be empty"),
        ("x" * 501, "is 501 characters long; at most 500 are allowed"),
    ],
)
def test_refusals_name_the_character_and_its_position(value: str, message: str) -> None:
    with pytest.raises(TextError) as info:
        clean_text(value, field="description", max_length=500)
    assert message in str(info.value)


def test_markup_emoji_and_other_scripts_are_just_text() -> None:
    for value in ["[bold]x[/]", "[@click=app.quit]q[/]", "家族 👨\u200d👩\u200d👧", "Zoë", "Ⅻ"]:
        assert clean_text(value, field="d", max_length=50) == value
    assert clean_text("e\u0301", field="d", max_length=5) == "é"  # NFC


@given(TEXT)
def test_visible_leaves_nothing_the_policy_refuses(value: str) -> None:
    shown = visible(value)
    assert len(shown) == len(value)
    assert not any(_refused(ch) and ch != "\u200d" for ch in shown)
    assert "\x1b" not in shown


def test_visible_keeps_clean_text_and_shows_controls() -> None:
    assert visible("Dinner 🍕 [bold]") == "Dinner 🍕 [bold]"
    assert visible("a\x1b[31mb\u202ec") == "a␛[31mb\ufffdc"


@given(TEXT)
def test_fold_cell_leaves_no_line_break_or_tab(value: str) -> None:
    folded = fold_cell(value)
    assert not any(ch in "\t\n\r\x0b\x0c\x85\u2028\u2029" for ch in folded)
    assert len(folded) <= len(value)
    breaks = "\t\n\r\x0b\x0c\x85\u2028\u2029 "
    assert [c for c in folded if c not in breaks] == [c for c in value if c not in breaks]
    assert any(c in breaks[:-1] for c in value) or folded == value


@pytest.mark.parametrize(
    "other",
    ["Ann", "ANN", "\u0430nn", "\u0410NN", "ann\u200b", " ann ", "ａｎｎ", "\U0001d41a\U0001d427n"],
)
def test_names_that_read_the_same_have_one_key(other: str) -> None:
    assert name_key(other) == name_key("ann")


def test_a_capital_look_alike_reads_as_its_latin_letter() -> None:
    assert name_key("\u0412ob") == name_key("Bob") == name_key("bob")  # Cyrillic В


@pytest.mark.parametrize("other", ["anne", "an", "bob", "ánn", "a nn", "amm", "arm", "ana"])
def test_names_that_read_differently_have_different_keys(other: str) -> None:
    assert name_key(other) != name_key("ann")


@given(st.text(alphabet=st.characters(codec="ascii", categories=["L"]), min_size=1))
def test_name_keys_ignore_case(name: str) -> None:
    assert name_key(name.upper()) == name_key(name.lower())
