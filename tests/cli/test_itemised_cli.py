"""`expense add … --split itemised --item DESCRIPTION=AMOUNT:M1,M2 [--tax] [--tip]`
(issue 15): each line is shared equally by its members, tax and tip in proportion; an
item is parsed strictly (split at its last `:` and the `=` before it) and a malformed
one is refused with exit 2, naming it, with nothing written."""

from __future__ import annotations

from typing import Any

import click
import pytest
from hypothesis import given
from hypothesis import strategies as st

from splitledger.cli.params import ITEM
from tests.cli.conftest import Run, balances, ok_json

DINNER = (
    "expense",
    "add",
    "Trip",
    "Dinner",
    "66",
    "--paid-by",
    "ann",
    "--split",
    "itemised",
    "--item",
    "Pizza=20:ann,bob",
    "--item",
    "Wine 1:2=30:bob,cy",
    "--tax",
    "10",
    "--tip",
    "6",
)


def _state(run: Run) -> tuple[Any, ...]:
    return ok_json(run("history", "Trip", "--json")), ok_json(run("activity", "Trip", "--json"))


def _parse(text: str) -> tuple[str, str, tuple[str, ...]]:
    return ITEM.convert(text, None, None)


def test_an_itemised_receipt_shares_lines_tax_and_tip(trip: Run) -> None:
    result = trip(*DINNER)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0].startswith("Recorded expense #")
    # Lines: ann 10, bob 10 + 15, cy 15 (of 50); tax and tip (16) in proportion.
    assert balances(trip) == {"ann": 6600 - 1320, "bob": -3300, "cy": -1980}


def test_itemised_json(trip: Run) -> None:
    data = ok_json(trip(*DINNER, "--json"))
    assert data["kind"] == "expense"
    assert sum(p["minor"] for p in data["postings"]) == 0
    assert {p["member"] for p in data["postings"]} == {"ann", "bob", "cy"}


def test_the_same_key_replays_and_a_different_request_is_refused(trip: Run) -> None:
    first = ok_json(trip(*DINNER, "--key", "r1", "--json"))
    again = ok_json(trip(*DINNER, "--key", "r1", "--json"))
    assert again == first
    assert len(ok_json(trip("history", "Trip", "--json"))["transactions"]) == 1
    before = _state(trip)
    other = list(DINNER)
    other[other.index("6")] = "7"  # another tip
    other[other.index("66")] = "67"
    result = trip(*other, "--key", "r1")
    assert result.exit_code == 3, result.output
    assert result.stderr == "error: idempotency key 'r1' was already used for a different request\n"
    assert _state(trip) == before


def test_edit_replaces_the_lines_and_keeps_the_rest(trip: Run) -> None:
    tx = ok_json(trip(*DINNER, "--json"))["id"]
    result = trip("expense", "edit", str(tx), "--tip", "7", "--amount", "67")
    assert result.exit_code == 0, result.output
    assert "tip 6.00 → " in result.stdout
    now = ok_json(trip("history", "Trip", "--json"))["transactions"][0]["id"]
    edited = ok_json(
        trip("expense", "edit", str(now), "--item", "Pizza=21:ann", "--amount", "38", "--json")
    )
    assert edited["tx"]["description"] == "Dinner"
    assert balances(trip) == {"ann": 0, "bob": 0, "cy": 0}  # ann's lines alone, tax and tip


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--item", "Pizza 20:ann"), "error: --item: 'Pizza 20:ann' is not DESCRIPTION=AMOUNT:"),
        (("--item", "Pizza=20"), "is not DESCRIPTION=AMOUNT:M1,M2"),
        (("--item", "=20:ann"), "error: --item: '=20:ann' has no description before '='"),
        (("--item", "Pizza=:ann"), "has no amount between '=' and ':'"),
        (("--item", "Pizza=20:"), "names no member after ':'"),
        (("--item", "Pizza=20: , "), "names no member after ':'"),
        (("--item", "Pizza=20:ann,,bob"), "has an empty member name"),
        (("--item", "Pizza=2O:ann"), "error: item 1: '2O' is not an amount"),
        (("--item", "Pizza=20:ann,zed"), "error: 'zed' is not a member of 'Trip'"),
        (("--item", "Pizza=20:ann,ann"), "error: item 1: ann listed twice"),
        (("--item", "Pizza=19:ann"), "add up to 19.00 EUR, not the bill of 20.00 EUR"),
        (("--item", "Pizza=15:ann", "--tax", "-5"), "tax"),
        (("--item", "Pizza=20:ann", "--for", "bob"), "--split itemised takes --item lines"),
        ((), "error: --split itemised needs at least one --item"),
    ],
)
def test_malformed_receipts_are_refused(trip: Run, args: tuple[str, ...], message: str) -> None:
    before = _state(trip)
    result = trip(
        "expense", "add", "Trip", "Dinner", "20", "--paid-by", "ann", "--split", "itemised", *args
    )
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.isprintable()
    assert message in line, line
    assert _state(trip) == before


@pytest.mark.parametrize(
    "args",
    [("--item", "Pizza=20:ann"), ("--tax", "1"), ("--tip", "0")],
)
def test_receipt_options_need_split_itemised(trip: Run, args: tuple[str, ...]) -> None:
    before = _state(trip)
    result = trip("expense", "add", "Trip", "Dinner", "20", "--paid-by", "ann", *args)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("error: --item, --tax and --tip go with --split itemised")
    assert _state(trip) == before


@pytest.mark.parametrize(
    "item",
    [
        "P\x1b[2J\u202e=20:ann",  # escape and bidi in the description
        "Pizza=20:a\x1b[31m\u202e",  # and in a member name
        "p" * 500 + "=20:ann",
        "p" * 500,
    ],
)
def test_hostile_items_are_refused_plainly(trip: Run, item: str) -> None:
    before = _state(trip)
    result = trip(
        "expense",
        "add",
        "Trip",
        "D",
        "20",
        "--paid-by",
        "ann",
        "--split",
        "itemised",
        "--item",
        item,
    )
    assert result.exit_code == 2, result.output
    (line,) = result.stderr.splitlines()
    assert line.isprintable(), repr(line)
    assert len(line) < 200, line
    assert _state(trip) == before


def test_markup_in_an_item_is_kept_as_typed(trip: Run) -> None:
    args = ("--split", "itemised", "--item", "[bold]x[/]=20:ann,bob")
    result = trip("expense", "add", "Trip", "[red]D[/]", "20", "--paid-by", "ann", *args)
    assert result.exit_code == 0, result.output
    assert "[red]D[/]" in result.stdout
    shown = trip("activity", "Trip", "--json")
    assert "[red]D[/]" in shown.stdout


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("Pizza=12.50:ann,bob", ("Pizza", "12.50", ("ann", "bob"))),
        ("Ratio 1:2=6:ann", ("Ratio 1:2", "6", ("ann",))),
        ("a=b=1,234.50: ann , bob ", ("a=b", "1,234.50", ("ann", "bob"))),
        ("Wine=12:a=b", ("Wine", "12", ("a=b",))),
    ],
)
def test_items_split_at_the_last_colon_and_the_equals_before_it(
    text: str, parsed: tuple[str, str, tuple[str, ...]]
) -> None:
    assert _parse(text) == parsed


_TEXT = st.text(st.characters(codec="utf-8", exclude_characters="\r\n"), min_size=1)


@given(
    description=_TEXT.filter(lambda t: t.strip() != ""),
    amount=st.from_regex(r"[0-9][0-9,]{0,8}(\.[0-9]{1,3})?", fullmatch=True),
    members=st.lists(
        _TEXT.filter(lambda t: t.strip() != "" and ":" not in t and "," not in t),
        min_size=1,
        max_size=4,
    ),
)
def test_any_description_and_any_member_without_colon_or_comma_round_trips(
    description: str, amount: str, members: list[str]
) -> None:
    text = f"{description}={amount}:{','.join(members)}"
    assert _parse(text) == (description.strip(), amount, tuple(m.strip() for m in members))


@given(st.text(max_size=80))
def test_any_text_parses_or_is_refused_plainly(text: str) -> None:
    try:
        what, amount, members = _parse(text)
    except click.BadParameter as exc:
        refused = exc.message
    else:
        refused = ""
    if refused:
        assert refused.isprintable()
        return
    assert what
    assert amount
    assert all(members)
