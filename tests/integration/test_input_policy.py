"""The input policy at the services' boundary, on SQLite and PostgreSQL: names that read
the same are one name, free text is refused with the character named, nothing written."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from splitledger.services.errors import InvalidInput
from splitledger.services.ledger import Ledger
from tests.cli.legacy import plant


@pytest.fixture
def flat(ledger: Ledger) -> Ledger:
    ledger.create_group("Flat", "EUR", ["ann", "bob"])
    return ledger


@pytest.mark.parametrize(
    ("newcomer", "existing"),
    [("Ann", "ann"), ("\u0430nn", "ann"), ("ann\u200b", None), ("ANN ", "ann")],
)
def test_a_member_that_reads_like_an_existing_one_is_refused(
    flat: Ledger, newcomer: str, existing: str | None
) -> None:
    before = flat.history("Flat")
    with pytest.raises(InvalidInput) as info:
        flat.add_members("Flat", [newcomer])
    message = str(info.value)
    if existing is None:  # refused by the text policy before identity is even asked
        assert "invisible character U+200B" in message
    else:
        assert f"{existing!r}" in message
    assert flat.group("Flat").members == ("ann", "bob")
    assert flat.history("Flat") == before


def test_renaming_a_member_onto_a_lookalike_is_refused(flat: Ledger) -> None:
    with pytest.raises(InvalidInput, match="reads the same as 'ann'"):
        flat.rename_member("Flat", "bob", "\u0410NN")
    flat.rename_member("Flat", "ann", "Ann")  # a member may change the case of their own name
    assert flat.group("Flat").members == ("Ann", "bob")


def test_group_names_are_one_name_ledger_wide(flat: Ledger) -> None:
    with pytest.raises(InvalidInput, match="reads the same as the existing group 'Flat'"):
        flat.create_group("flat", "EUR", ["cy"])
    flat.create_group("Trip", "EUR", ["cy"])
    with pytest.raises(InvalidInput, match="reads the same as the existing group 'Flat'"):
        flat.rename_group("Trip", "FLAT")
    assert [g.name for g in flat.groups()] == ["Flat", "Trip"]
    assert flat.group("flat").name == "Flat"  # and a lookup finds it by what it reads


def test_a_removed_member_blocks_a_lookalike_but_comes_back_by_name(flat: Ledger) -> None:
    flat.add_members("Flat", ["cy"])
    flat.remove_member("Flat", "cy")
    with pytest.raises(InvalidInput, match="reads the same as 'cy' \\(a removed member\\)"):
        flat.add_members("Flat", ["CY"])
    flat.add_members("Flat", ["cy"])
    assert flat.group("Flat").members == ("ann", "bob", "cy")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (
            "description",
            "osc\x1b]2;PWNED\x1b\\x",
            "control character U+001B (ESCAPE) at position 4",
        ),
        ("description", "red\x1b[31mtext", "control character U+001B (ESCAPE) at position 4"),
        ("description", "rent\u202e", "text-direction control character U+202E"),
        ("category", "food\u200b", "invisible character U+200B (ZERO WIDTH SPACE) at position 5"),
        ("date", dt.date(9999, 12, 31), "outside the supported range 1970-01-01 to 2099-12-31"),
        ("date", dt.date(1, 1, 1), "outside the supported range"),
        ("amount", "1_0_0", "is not an amount"),
        ("amount", "1e3", "scientific notation"),
    ],
)
def test_hostile_expense_fields_are_refused_and_nothing_is_written(
    flat: Ledger, field: str, value: object, message: str
) -> None:
    fields: dict[str, Any] = {  # any value: the service checks them
        "group": "Flat",
        "description": "Dinner",
        "amount": "30",
        "paid_by": (("ann", None),),
        field: value,
    }
    with pytest.raises(InvalidInput) as info:
        flat.record_expense(**fields)
    assert message in str(info.value)
    assert flat.history("Flat") == []


def test_text_is_stored_as_typed_after_nfc(flat: Ledger) -> None:
    tx = flat.record_expense(
        group="Flat",
        description="  Cafe\u0301 [bold]x[/] 👩\u200d💻  ",
        amount="30",
        paid_by=(("ann", None),),
        category="[@click=app.quit]q[/]",
    )
    assert tx.description == "Café [bold]x[/] 👩\u200d💻"
    assert tx.category == "[@click=app.quit]q[/]"


def test_payer_messages_say_what_is_wrong(flat: Ledger) -> None:
    more = r"add up to 60\.00 EUR, more than the bill of 50\.00 EUR"
    with pytest.raises(InvalidInput, match=more):
        flat.record_expense(
            group="Flat",
            description="x",
            amount="50",
            paid_by=(("ann", "60"), ("bob", None)),
        )
    with pytest.raises(InvalidInput, match="so bob would pay nothing"):
        flat.record_expense(
            group="Flat",
            description="x",
            amount="50",
            paid_by=(("ann", "50"), ("bob", None)),
        )


def test_a_name_an_older_version_stored_can_still_be_renamed_and_paid(db_url: str) -> None:
    legacy_name = "ann\x1b[31m"
    plant(db_url, group="Old", payer=legacy_name, other="bob", description="Dinner")
    with Ledger.open(db_url) as ledger:
        ledger.record_payment(group="Old", payer="bob", payee=legacy_name, amount="5")
        assert ledger.balances("Old").balances  # paid by its stored name
        ledger.rename_member("Old", legacy_name, "ann")
        assert ledger.group("Old").members == ("ann", "bob")
        with pytest.raises(InvalidInput, match="U\\+001B"):  # but no new name like it
            ledger.rename_member("Old", "ann", legacy_name)


def test_a_payer_named_as_they_read_is_that_member(flat: Ledger) -> None:
    tx = flat.record_expense(
        group="Flat", description="Dinner", amount="30", paid_by=(("Ann", None),)
    )
    assert {p.member for p in tx.postings} == {"ann", "bob"}
    pay = flat.record_payment(group="Flat", payer="BOB", payee="\u0430nn", amount="15")
    assert [(p.member, p.minor) for p in pay.postings] == [("bob", 1500), ("ann", -1500)]


def test_split_messages_say_what_is_wrong_in_money_and_on_one_line(flat: Ledger) -> None:
    """A name typed with a newline is quoted visibly (found by the services fuzz
    machine), and exact shares that miss the bill say so in money, not minor units."""
    hostile = (("[bold]x[/]\n0", "9" * 30),)
    with pytest.raises(InvalidInput) as typed:
        flat.record_expense(group="Flat", description="x", amount="0.01", paid_by=(("ann", None),),
                            split="percent", participants=hostile)  # fmt: skip
    assert "\n" not in str(typed.value)
    assert "[bold]x[/]␊0" in str(typed.value)
    short = r"the exact shares add up to 0\.01 EUR, not the bill of 0\.02 EUR"
    with pytest.raises(InvalidInput, match=short):
        flat.record_expense(group="Flat", description="x", amount="0.02", paid_by=(("ann", None),),
                            split="exact", participants=(("ann", "0.01"),))  # fmt: skip
    assert flat.history("Flat") == []
